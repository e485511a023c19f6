#!/usr/bin/env bash
# Tests of the ClickHouse event store run against a real ClickHouse: Debian's clickhouse-server (18.16), installed when
# missing. The tests start their own server on free loopback ports with a private config; nothing is started here.
# Prints the server binary's path.
set -euo pipefail
if ! command -v clickhouse-server >/dev/null 2>&1; then
  echo "[clickhouse] installing Debian's clickhouse-server" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clickhouse-server clickhouse-client >/dev/null
fi
command -v clickhouse-server
