#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server: a new cluster in a temporary folder, reached
# only through a Unix socket there (no TCP port, so it never collides with a real server), with a
# login role `cspdesk` that may create databases and an empty database `cspdesk`. The command sees
# CSPDESK_TEST_PG_URL (the URL of that database); the server and its folder are removed afterwards.
#
#   tools/with-postgres.sh .venv/bin/python -m pytest -m postgres      # the PostgreSQL tests
#   tools/with-postgres.sh sh -c '.venv/bin/cspdesk demo --db "$CSPDESK_TEST_PG_URL"'
#
# PostgreSQL is installed with apt when it is missing and this runs as root (as in CI). Any failure
# to install or start the server stops here with the server's log and a non-zero exit: never a skip.
set -euo pipefail

pg_bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$d" ] && command -v pg_ctl >/dev/null 2>&1; then d=$(dirname "$(command -v pg_ctl)"); fi
  echo "$d"
}

bin=$(pg_bindir)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "PostgreSQL is not installed: installing it for the PostgreSQL tests..." >&2
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq >/dev/null && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  bin=$(pg_bindir)
fi
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "PostgreSQL could not be installed (apt-get install postgresql): the PostgreSQL tests cannot run." >&2
  exit 1
fi

# The server refuses to run as root: as root, it runs as the `postgres` account the package made.
as_server_user() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/cspdesk-pg.XXXXXX")
[ "$(id -u)" != 0 ] || chown postgres "$dir"
chmod 755 "$dir"
stop_server() {
  as_server_user "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop_server EXIT
trap 'exit 130' INT TERM

# C.UTF-8 where the system has it (case-folds accented letters like a real server); plain C otherwise.
if ! as_server_user "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
    >"$dir/initdb.log" 2>&1 &&
   ! { rm -rf "$dir/data"; as_server_user "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale \
    --no-sync >>"$dir/initdb.log" 2>&1; }; then
  cat "$dir/initdb.log" >&2
  echo "PostgreSQL's initdb failed (above): the PostgreSQL tests cannot run." >&2
  exit 1
fi
# A test server: durability off (fsync, full pages) makes creating and dropping databases cheap.
if ! as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses='' -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null; then
  cat "$dir/server.log" >&2
  echo "PostgreSQL did not start (log above): the PostgreSQL tests cannot run." >&2
  exit 1
fi
"$bin/psql" -h "$dir" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
  -c "CREATE ROLE cspdesk LOGIN CREATEDB" -c "CREATE DATABASE cspdesk OWNER cspdesk"

export CSPDESK_TEST_PG_URL="postgresql+psycopg://cspdesk@/cspdesk?host=$dir"
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') running for this command (socket in $dir)." >&2
"$@"
