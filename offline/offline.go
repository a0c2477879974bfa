// Package offline holds what field pages need to work without a network:
// the form evaluator compiled to WebAssembly, embedded in the binary.
//
// # One evaluator, two places
//
// Offline, a form must compute skip logic, calculations, required-ness,
// constraints and the Chinese errors exactly as the server's
// forms.Evaluate does. Of the two ways to get there — generate JavaScript
// from the compiled definitions, or run the Go code itself in the
// browser — Canvass runs the Go code: package forms (with rules, expr
// and jsonschema under it) is compiled to WebAssembly by the command in
// ./evaluator. A generator would be a second implementation of expr, of
// JSON Schema and of every rules function, and every difference between
// the two would be a bug found in a village; one compiled source has
// none by construction, and the differential test (e2e
// TestOfflineEvaluatorMatchesServer) checks it on every example form and
// fuzzed answers in headless Chromium.
//
// The module is built for GOOS=wasip1 with -buildmode=c-shared (a WASI
// "reactor": initialised once, then called through go:wasmexport
// functions alloc, call and release). GOOS=js would need Go's
// wasm_exec.js, a third-party file; WASI needs only a dozen small
// imports, which ui/static/offline_wasm.js provides (a clock, random
// bytes, console output; no files). Requests and replies are JSON: load
// a form's source once under a key, then evaluate answers against it
// with the campaign's reference time, the submission time and the
// language. The reply has the shape of the server's evaluate endpoint.
//
// # The generated file
//
// evaluator.wasm.gz is generated and committed (the binary embeds it, so
// a plain `go build` needs no WebAssembly step):
//
//	go generate ./offline
//
// builds it reproducibly (-trimpath, no build ID, -s -w, gzip with an
// empty header). TestEvaluatorIsFresh builds it again and fails when the
// committed file differs, so CI fails when a change to forms or rules
// was committed without regenerating. The build needs the Go version
// named in go.mod's toolchain; another compiler gives other bytes.
//
// The server serves it gzip-encoded at /offline/evaluator.wasm (about
// 2.6 MB compressed, 10 MB raw; figures in bench/README.md).
//
// # What the phone keeps, and the device key
//
// ui/static/offline.js keeps each record's answers in IndexedDB, and
// IndexedDB alone must not open them. Each user on each phone has an
// ECDH P-256 key pair made on the phone and a random device ID. Every
// save is sealed to the public key (an ephemeral key agreement and
// AES-GCM 256), so saving needs no secret and never waits for the network.
// The private key is stored only wrapped (AES-GCM) by the device key,
// which the server derives — engine.OfflineDeviceKey, HMAC-SHA256 under a
// key derived from the vault's lookup key, over the user's ID and the
// device ID — and hands only to a signed-in session of that user
// (GET /api/v1/offline/key, never cached). The same user and device
// always get the same key, so records queued before a session expired
// open after signing in again; another user's session gets another key.
// While the browser is open the tab keeps the device key in
// sessionStorage, so a reload with no network still opens the records;
// after a restart with no network they are locked — kept, and new
// records still saved — until a sign-in. Sign-out deletes the database,
// the kept key and the caches. docs/offline.md has the whole design.
package offline

//go:generate go run gen.go

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"io"
	"sync"
)

//go:embed evaluator.wasm.gz
var evaluatorGz []byte

// EvaluatorGzip returns the evaluator module, gzipped.
func EvaluatorGzip() []byte { return evaluatorGz }

// Evaluator returns the evaluator module uncompressed, for the rare
// client that does not accept gzip.
var Evaluator = sync.OnceValue(func() []byte {
	zr, err := gzip.NewReader(bytes.NewReader(evaluatorGz))
	if err != nil {
		panic(err) // embedded at build time; only a bug breaks it
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		panic(err)
	}
	return b
})
