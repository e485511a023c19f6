#!/usr/bin/env bash
# Tests use a real PostgreSQL: Debian's package, its default cluster, and a `stint` superuser role on loopback.
# Installs and starts it when missing; prints the admin URL tests create their databases from.
set -euo pipefail
PG_URL="postgres://stint:stint@127.0.0.1:5432/postgres"

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "[postgres] installing Debian's postgresql" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
  pg_createcluster "$version" main >/dev/null
fi
if ! pg_lsclusters -h | grep -q "^$version main .* online"; then
  pg_ctlcluster "$version" main start
fi
for _ in $(seq 1 300); do  # up to 60 s: a cluster recovering after a crash takes a while
  if runuser -u postgres -- psql -qAtc "select 1" >/dev/null 2>&1; then break; fi
  sleep 0.2
done
runuser -u postgres -- psql -qAt >/dev/null <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'stint') THEN
    CREATE ROLE stint LOGIN SUPERUSER PASSWORD 'stint';
  END IF;
END $$;
SQL
echo "$PG_URL"
