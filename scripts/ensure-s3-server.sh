#!/usr/bin/env bash
# Tests of the S3-compatible object store run against a real S3 server: versitygw (Apache-2.0), a Go module built
# once with `go install` from the Go module proxy into .tools/bin (about two minutes on two cores; later runs reuse
# the binary). Needs Go 1.25 or newer (versitygw's go.mod): the machine's /usr/local/go or a go on PATH; Debian
# bookworm's golang-go (1.19) is too old, so there is no apt fallback. Prints the binary's path.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSITYGW_VERSION=v1.8.0
GO_MINIMUM=1.25
BIN="$PWD/.tools/bin/versitygw"
STAMP="$PWD/.tools/bin/versitygw.version"

if [ -x "$BIN" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$VERSITYGW_VERSION" ]; then
  echo "$BIN"
  exit 0
fi
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  export PATH="$PATH:/usr/local/go/bin"
fi
go_version="$(go env GOVERSION 2>/dev/null | sed 's/^go//' || true)"
if [ -z "$go_version" ] || [ "$(printf '%s\n%s\n' "$GO_MINIMUM" "$go_version" | sort -V | head -1)" != "$GO_MINIMUM" ]; then
  echo "[s3] versitygw $VERSITYGW_VERSION needs Go $GO_MINIMUM or newer to build (found: ${go_version:-none})." >&2
  echo "[s3] Put a Go toolchain >= $GO_MINIMUM on PATH (or at /usr/local/go)." >&2
  exit 1
fi
echo "[s3] building versitygw $VERSITYGW_VERSION with go $go_version (once)" >&2
mkdir -p "$PWD/.tools/bin"
# GOTOOLCHAIN=local: build with the Go found here, never download another toolchain.
GOTOOLCHAIN=local GOBIN="$PWD/.tools/bin" GOFLAGS=-buildvcs=false go install "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION" >&2
echo "$VERSITYGW_VERSION" > "$STAMP"
echo "$BIN"
