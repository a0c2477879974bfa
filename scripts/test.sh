#!/bin/sh
# Runs every test: the README's test command. Besides Go, the browser tests
# (e2e/) need Debian's chromium and a font with Chinese for their
# screenshots; this installs them with apt-get when they are missing (as
# root, or through sudo), and stops with a clear message when it cannot.
set -eu
cd "$(dirname "$0")/.."

need=""
command -v chromium >/dev/null 2>&1 || need=" chromium"
if command -v dpkg >/dev/null 2>&1 && ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
	need="$need fonts-noto-cjk"
fi
if [ -n "$need" ]; then
	if [ "$(id -u)" = 0 ]; then
		sudo=""
	elif command -v sudo >/dev/null 2>&1; then
		sudo="sudo"
	else
		echo "scripts/test.sh: the browser tests need:$need; install them (apt-get install -y$need) and run again" >&2
		exit 1
	fi
	if ! command -v apt-get >/dev/null 2>&1; then
		echo "scripts/test.sh: the browser tests need:$need, and this machine has no apt-get; install them and run again" >&2
		exit 1
	fi
	echo "scripts/test.sh: installing$need for the browser tests" >&2
	$sudo apt-get update
	# shellcheck disable=SC2086 # one word per package
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y $need
fi

# Screenshots of the browser tests land here (git-ignored).
CANVASS_ARTIFACTS="${CANVASS_ARTIFACTS:-$PWD/artifacts/screenshots}"
export CANVASS_ARTIFACTS

exec go test -count=1 -timeout 20m ./...
