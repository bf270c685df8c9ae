#!/usr/bin/env bash
# Runs a command (the tests) with a private PostgreSQL: a throwaway cluster in a temporary
# folder on a free loopback port, stopped and removed when the command ends, however it ends.
#   scripts/test-postgres.sh ctest …
# The command sees STIGMER_TEST_POSTGRES=postgres://stigmer:…@127.0.0.1:PORT/postgres?…: a role
# that may create databases (each test makes its own), logging in with a password (scram), so
# that tests of a wrong password are real. Where PostgreSQL's server programs are missing the
# command runs without it and the PostgreSQL variants of the tests skip, saying so.
set -euo pipefail

if [ -n "${STIGMER_TEST_POSTGRES:-}" ]; then exec "$@"; fi  # one given by the caller

bindir=$(pg_config --bindir 2>/dev/null || true)
if [ ! -x "$bindir/initdb" ]; then
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
fi
if [ ! -x "${bindir:-/nonexistent}/initdb" ]; then
  echo "test-postgres: no PostgreSQL server programs (Debian package postgresql): the PostgreSQL variants of the tests will skip" >&2
  exec "$@"
fi

as_owner=()
if [ "$(id -u)" -eq 0 ]; then as_owner=(runuser -u postgres --); fi  # postgres refuses root

dir=$(mktemp -d /tmp/stigmer-test-postgres.XXXXXX)
chmod 0755 "$dir"
[ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
password="stigmer-test-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"

stop() {
  "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

"${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -U postgres --auth-local=trust \
  --auth-host=scram-sha-256 --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; exit 1; }
"${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null || { cat "$dir/postgres.log" >&2; exit 1; }
"${as_owner[@]}" "$bindir/psql" -h "$dir" -p "$port" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1 \
  -c "CREATE ROLE stigmer LOGIN CREATEDB PASSWORD '$password'" >/dev/null

export STIGMER_TEST_POSTGRES="postgres://stigmer:$password@127.0.0.1:$port/postgres?sslmode=disable"
echo "test-postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port for the PostgreSQL variants of the tests" >&2
set +e
"$@"
status=$?
set -e
exit "$status"
