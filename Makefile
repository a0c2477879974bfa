# Developer targets. `make test` runs exactly the test command of the
# README and of CI (.ci/run).

GO          ?= go
VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
BENCHFLAGS  ?=
STATICCHECK ?= $(shell command -v staticcheck 2>/dev/null || echo "$$($(GO) env GOPATH)/bin/staticcheck")

.PHONY: test lint bench demo build

## test: run every test (SQLite always; MongoDB too when CANVASS_TEST_MONGODB_URI is set; chromium installed when missing)
test:
	sh scripts/test.sh

## lint: gofmt, go vet and staticcheck must all be clean
lint:
	@unformatted="$$(gofmt -l .)"; \
	if [ -n "$$unformatted" ]; then echo "gofmt -l lists files to format:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...

## bench: run the benchmark harness (BENCHFLAGS=-quick for a short run, -db ferretdb or -db mongodb://… for MongoDB)
bench:
	$(GO) run ./bench $(BENCHFLAGS)

## demo: start the server with the example campaigns on :8080
demo:
	$(GO) run ./cmd/canvass serve --demo

## build: build ./canvass with the version from git
build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o canvass ./cmd/canvass
