#!/usr/bin/env bash
# The whole test suite, from a clean clone: dependencies, Chromium, a PostgreSQL to test
# against, typecheck, lint, then every test on SQLite and again on PostgreSQL.
#   TEST_DATABASE_URL  an admin connection to a PostgreSQL server (each test file creates and drops
#                      its own database); unset: the local server on 127.0.0.1:5432 if it answers,
#                      else a throw-away cluster started here from Debian's PostgreSQL binaries.
set -euo pipefail
cd "$(dirname "$0")/.."

step () { printf '\n=== %s\n' "$*"; }

step "dependencies"
# The same check as `npm start`: the lock file's hash against the one recorded at install.
node scripts/ensure-dependencies.mjs

step "chromium (browser tests)"
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null
  else
    sudo sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium' >/dev/null
  fi
fi
/usr/bin/chromium --version

step "postgresql"
cleanup () { :; }
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  if command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432 -U postgres; then
    export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres"
  else
    source scripts/start-test-postgres.sh
  fi
fi
echo "testing against ${TEST_DATABASE_URL%%@*}@…"
trap 'cleanup' EXIT

step "typecheck"
npx tsc -p tsconfig.json

step "build (dist/, what npm start and the process tests run)"
node scripts/build.mjs

step "lint"
npx eslint .

step "tests on SQLite (with the browser tests)"
TEST_DB=sqlite npx vitest run

step "tests on PostgreSQL"
TEST_DB=postgres npx vitest run --exclude 'test/browser/**'
