#!/usr/bin/env bash
# The supervisor's container tests need a real Docker engine: installs Debian's docker.io when missing and starts a
# daemon when none answers on /var/run/docker.sock (no bridge, no iptables: containers run with --network none; nothing
# is pulled, images are built locally). The daemon it starts outlives the tests; its log is /var/log/stint-dockerd.log.
set -euo pipefail
SOCKET=/var/run/docker.sock

if ! command -v dockerd >/dev/null 2>&1; then
  echo "[docker] installing Debian's docker.io" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null 2>&1 || {
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
  }
fi

answers() { docker -H "unix://$SOCKET" version --format "{{.Server.Version}}" >/dev/null 2>&1; }

if ! answers; then
  echo "[docker] starting dockerd" >&2
  # setsid: the daemon must not be stopped with the shell or test run that started it.
  setsid dockerd --bridge=none --iptables=false --ip-masq=false --host "unix://$SOCKET" >>/var/log/stint-dockerd.log 2>&1 < /dev/null &
  for _ in $(seq 1 150); do
    if answers; then break; fi
    sleep 0.2
  done
  answers || { echo "[docker] dockerd did not answer within 30 s; see /var/log/stint-dockerd.log" >&2; tail -20 /var/log/stint-dockerd.log >&2; exit 1; }
fi
echo "$SOCKET"
