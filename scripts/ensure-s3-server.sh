#!/usr/bin/env bash
# Tests of the S3-compatible object store run against a real S3 server: versitygw (Apache-2.0), a Go module built
# once with `go install` into .tools/bin (about two minutes on two cores; later runs reuse the binary).
# Installs Debian's Go toolchain when none is on PATH. Prints the binary's path.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSITYGW_VERSION=v1.8.0
BIN="$PWD/.tools/bin/versitygw"
STAMP="$PWD/.tools/bin/versitygw.version"

if [ -x "$BIN" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$VERSITYGW_VERSION" ]; then
  echo "$BIN"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  if [ -x /usr/local/go/bin/go ]; then
    export PATH="$PATH:/usr/local/go/bin"
  else
    echo "[s3] installing Debian's golang-go" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go >/dev/null
  fi
fi
echo "[s3] building versitygw $VERSITYGW_VERSION with go install (once)" >&2
mkdir -p "$PWD/.tools/bin"
GOBIN="$PWD/.tools/bin" GOFLAGS=-buildvcs=false go install "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION" >&2
echo "$VERSITYGW_VERSION" > "$STAMP"
echo "$BIN"
