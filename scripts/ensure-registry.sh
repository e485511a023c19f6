#!/usr/bin/env bash
# `stint deploy --registry` tests push to a real, password-protected registry: Debian's docker-registry (the
# distribution registry) and apache2-utils (htpasswd, for its bcrypt password file), installed when missing. The test
# starts its own registry on a loopback port. Prints the registry binary's path.
set -euo pipefail
missing=()
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
if [ ${#missing[@]} -gt 0 ]; then
  echo "[registry] installing ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || {
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  }
fi
command -v docker-registry
