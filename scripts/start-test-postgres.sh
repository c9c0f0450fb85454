# Sourced by test.sh when no PostgreSQL answers: starts a throw-away cluster from Debian's
# binaries (installing them if needed) as the postgres user, and exports TEST_DATABASE_URL.
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
pgdir=$(mktemp -d /tmp/bamara-pg.XXXXXX)
chown postgres "$pgdir" 2>/dev/null || true
run_pg () { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
run_pg "$bin/initdb -D $pgdir/data -U postgres -A trust" >/dev/null
run_pg "$bin/pg_ctl -D $pgdir/data -o '-p 55432 -k $pgdir -c listen_addresses=127.0.0.1' -l $pgdir/log -w start" >/dev/null
export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:55432/postgres"
cleanup () { run_pg "$bin/pg_ctl -D $pgdir/data -m fast stop" >/dev/null 2>&1 || true; rm -rf "$pgdir"; }
