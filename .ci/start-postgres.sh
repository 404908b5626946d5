#!/usr/bin/env bash
# Start a throwaway PostgreSQL for the test suite and print its URL on stdout (everything else
# goes to stderr), e.g. postgres://postgres@127.0.0.1:54321/feeds_test
#
# Idempotent: a second call reuses the running server in PG_CI_DIR and only prints the URL.
# The cluster is trust-authenticated, listens on 127.0.0.1 only and runs with fsync=off: it holds
# test data and nothing else.
set -euo pipefail

DIR="${PG_CI_DIR:-/tmp/feeds-ci-postgres}"
DB="feeds_test"

log() { echo "start-postgres: $*" >&2; }

# Run a command as the cluster owner: PostgreSQL refuses to run as root.
as_owner() {
  if [ "$(id -u)" = "0" ]; then
    su postgres -s /bin/bash -c "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}

bin_dir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

free_port() {
  node -e 'const s = require("node:net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

BIN="$(bin_dir || true)"
if [ -z "$BIN" ]; then
  log "installing PostgreSQL"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""
  [ "$(id -u)" = "0" ] || SUDO="sudo"
  $SUDO apt-get update >&2
  $SUDO apt-get install -y postgresql >&2
  BIN="$(bin_dir)"
fi

mkdir -p "$DIR"
if [ "$(id -u)" = "0" ]; then chown postgres:postgres "$DIR"; fi

if [ ! -f "$DIR/data/PG_VERSION" ]; then
  log "initialising a cluster in $DIR/data"
  as_owner "$BIN/initdb" -D "$DIR/data" -A trust -U postgres >&2
fi

if as_owner "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1 && [ -f "$DIR/port" ]; then
  PORT="$(cat "$DIR/port")"
  log "reusing the server on port $PORT"
else
  PORT="$(free_port)"
  log "starting the server on 127.0.0.1:$PORT"
  as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w start \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off" >&2
  echo "$PORT" > "$DIR/port"
fi

exists="$(as_owner "$BIN/psql" -h "$DIR" -p "$PORT" -U postgres -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname = '$DB'")"
if [ "$exists" != "1" ]; then
  as_owner "$BIN/createdb" -h "$DIR" -p "$PORT" -U postgres "$DB" >&2
fi

echo "postgres://postgres@127.0.0.1:$PORT/$DB"
