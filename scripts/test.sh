#!/usr/bin/env bash
# Dial's test command (`npm test`). Runs every check CI runs, in order, and stops at the first
# failure with a non-zero exit status. See the README for what each step covers.
#
#   TEST_ONLY=lint,types,unit,pg,e2e  run a subset (comma-separated; default: all). `db` only
#                                     sets up PostgreSQL and the run's database (and drops it).
#   DIAL_TEST_PG_ADMIN_URL            admin connection used to create/drop the run's database
#                                     (default postgres://postgres@127.0.0.1:5432/postgres).
#   KEEP_TEST_DB=1                    keep the run's database (and e2e data dir) for inspection.
#   E2E_PORT                          port of the server Playwright starts (default 3100).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO_ROOT="$(pwd)"

# --- options -------------------------------------------------------------------------------
ALL_STEPS="lint,types,unit,pg,e2e"
TEST_ONLY="${TEST_ONLY:-$ALL_STEPS}"
TEST_ONLY="${TEST_ONLY// /}"
IFS=',' read -r -a SELECTED <<<"$TEST_ONLY"
for s in "${SELECTED[@]}"; do
  case "$s" in
    lint | types | unit | pg | e2e | db) ;;
    *)
      echo "test.sh: unknown TEST_ONLY value '$s' (expected a comma-separated subset of $ALL_STEPS,db)" >&2
      exit 2
      ;;
  esac
done
wants() {
  local s
  for s in "${SELECTED[@]}"; do [[ "$s" == "$1" ]] && return 0; done
  return 1
}

ADMIN_URL="${DIAL_TEST_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
RUN_ID="$(date +%Y%m%d%H%M%S)_$$"
TEST_DB="dial_test_${RUN_ID}"
TEST_DB_URL=""
TEST_DB_CREATED=0
TEST_ROLE=""     # set only when a throwaway superuser role had to be created (see ensure_admin_login)
PG_PEER_PORT=""  # port of a local cluster reachable as the postgres OS user (for that role)

E2E_DATA_DIR_OWNED=0
# Each vitest step also writes a JSON report here, so the summary can name the tests that
# failed: CI shows only the end of a run's output.
REPORT_DIR="$(mktemp -d "${TMPDIR:-/tmp}/dial-test-reports-XXXXXX")"

# --- step bookkeeping and reporting ---------------------------------------------------------
if [[ -t 1 && -z "${NO_COLOR:-}" ]]; then
  BOLD=$'\033[1m' GREEN=$'\033[32m' RED=$'\033[31m' RESET=$'\033[0m'
else
  BOLD='' GREEN='' RED='' RESET=''
fi
RUN_START_US="${EPOCHREALTIME/[.,]/}"
ALL_STEP_LABELS=("npm install" "chromium" "postgresql" "create database" "lint+format (biome check)"
  "types (tsc --noEmit)" "vitest (pglite)" "vitest (postgres)" "next build" "playwright e2e")
STEP_NAMES=()
STEP_SECS=()
STEP_STATUS=()
CURRENT_STEP=""
CURRENT_START_US=0

secs_since() { # microsecond timestamp -> "12.3"
  local now="${EPOCHREALTIME/[.,]/}"
  local d=$(((now - $1) / 100000))
  printf '%d.%d' $((d / 10)) $((d % 10))
}

step_begin() {
  CURRENT_STEP="$1"
  CURRENT_START_US="${EPOCHREALTIME/[.,]/}"
  printf '\n%s==> [%s] %s%s  (t+%ss)\n' "$BOLD" "$(date +%H:%M:%S)" "$1" "$RESET" "$(secs_since "$RUN_START_US")"
}

step_end() {
  local secs
  secs="$(secs_since "$CURRENT_START_US")"
  STEP_NAMES+=("$CURRENT_STEP")
  STEP_SECS+=("$secs")
  STEP_STATUS+=("ok")
  printf '%s<== %s: ok in %ss%s\n' "$GREEN" "$CURRENT_STEP" "$secs" "$RESET"
  CURRENT_STEP=""
}

step_skip() {
  STEP_NAMES+=("$1")
  STEP_SECS+=("-")
  STEP_STATUS+=("skipped")
}

# Runs the given command as a step: header, timing, and (through set -e) a stop on failure.
run_step() {
  local name="$1"
  shift
  step_begin "$name"
  echo "\$ $*"
  "$@"
  step_end
}

print_summary() {
  local status="$1" i
  if [[ -n "$CURRENT_STEP" ]]; then
    STEP_NAMES+=("$CURRENT_STEP")
    STEP_SECS+=("$(secs_since "$CURRENT_START_US")")
    STEP_STATUS+=("FAILED")
  fi
  printf '\n%sSummary%s\n' "$BOLD" "$RESET"
  printf '  %-34s %9s  %s\n' "step" "seconds" "status"
  printf '  %-34s %9s  %s\n' "----------------------------------" "---------" "-------"
  for i in "${!STEP_NAMES[@]}"; do
    printf '  %-34s %9s  %s\n' "${STEP_NAMES[$i]}" "${STEP_SECS[$i]}" "${STEP_STATUS[$i]}"
  done
  local label seen
  for label in "${ALL_STEP_LABELS[@]}"; do
    seen=0
    for i in "${!STEP_NAMES[@]}"; do [[ "${STEP_NAMES[$i]}" == "$label" ]] && seen=1; done
    [[ "$seen" == 1 ]] || printf '  %-34s %9s  %s\n' "$label" "-" "not run"
  done
  printf '  %-34s %9s\n' "total" "$(secs_since "$RUN_START_US")"
  [[ "$status" == 0 ]] || print_failed_tests
  if [[ "$status" == 0 ]]; then
    printf '%sAll selected steps passed.%s\n' "$GREEN" "$RESET"
  else
    printf '%sFAILED (exit status %s)%s%s\n' "$RED" "$status" "${CURRENT_STEP:+ in step: $CURRENT_STEP}" "$RESET"
  fi
}

# Names the failed tests of the vitest JSON reports in REPORT_DIR, with each failure's first line.
print_failed_tests() {
  local report
  for report in "$REPORT_DIR"/*.json; do
    [[ -f "$report" ]] || continue
    node -e '
      const fs = require("node:fs");
      const path = require("node:path");
      const report = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
      const project = path.basename(process.argv[1], ".json");
      const firstLine = (text) => String(text ?? "").split("\n").find((l) => l.trim()) ?? "";
      for (const file of report.testResults ?? []) {
        const name = path.relative(process.cwd(), file.name);
        const failed = (file.assertionResults ?? []).filter((t) => t.status === "failed");
        if (file.status === "failed" && failed.length === 0) {
          console.log(`  failed (${project}): ${name}: ${firstLine(file.message)}`);
        }
        for (const t of failed) {
          console.log(`  failed (${project}): ${name} > ${t.fullName}`);
          console.log(`      ${firstLine(t.failureMessages?.[0])}`);
        }
      }
    ' "$report" || true
  done
}

# --- helpers --------------------------------------------------------------------------------
as_root() {
  if [[ "$(id -u)" == 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "test.sh: need root (or sudo) to run: $*" >&2
    return 1
  fi
}

as_postgres() { # run a command as the postgres OS user (peer auth on the local socket)
  if [[ "$(id -u)" == 0 ]]; then
    if command -v runuser >/dev/null 2>&1; then
      runuser -u postgres -- "$@"
    else
      su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    fi
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n -u postgres "$@"
  else
    return 1
  fi
}

apt_install() { # apt_install PKG...: installs, running apt-get update only if the first try fails
  export DEBIAN_FRONTEND=noninteractive
  if ! as_root apt-get install -y "$@"; then
    echo "apt-get install failed; running apt-get update and retrying"
    as_root apt-get update
    as_root apt-get install -y "$@"
  fi
}

# host and port of the admin URL (postgres://user:pw@host:port/db?...)
url_host_port() {
  node -e '
    const u = new URL(process.argv[1]);
    const host = decodeURIComponent(u.hostname || "127.0.0.1").replace(/^\[(.*)\]$/, "$1");
    process.stdout.write(`${host} ${u.port || "5432"}`);
  ' "$1"
}

pg_answers() { # pg_answers HOST PORT: is a server accepting connections?
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$1" -p "$2" -t 2
  else
    timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
  fi
}

# admin_sql URL SQL: run one statement on URL (psql if present, else node + pg)
admin_sql() {
  if command -v psql >/dev/null 2>&1; then
    PGCONNECT_TIMEOUT=10 psql "$1" -w -v ON_ERROR_STOP=1 -qAtX -c "$2"
  else
    node -e '
      const { Client } = require("pg");
      const c = new Client({ connectionString: process.argv[1], connectionTimeoutMillis: 10000 });
      c.connect()
        .then(() => c.query(process.argv[2]))
        .then((r) => { for (const row of r.rows ?? []) console.log(Object.values(row).join("|")); })
        .then(() => c.end())
        .catch((e) => { console.error(e.message); process.exit(1); });
    ' "$1" "$2"
  fi
}

url_with_db() { # url_with_db URL DBNAME
  node -e '
    const u = new URL(process.argv[1]);
    u.pathname = "/" + process.argv[2];
    process.stdout.write(u.toString());
  ' "$1" "$2"
}

url_with_credentials() { # url_with_credentials URL USER PASSWORD
  node -e '
    const u = new URL(process.argv[1]);
    u.username = encodeURIComponent(process.argv[2]);
    u.password = encodeURIComponent(process.argv[3]);
    process.stdout.write(u.toString());
  ' "$1" "$2" "$3"
}

random_hex() { # random_hex BYTES
  node -e 'process.stdout.write(require("node:crypto").randomBytes(Number(process.argv[1])).toString("hex"))' "$1"
}

# --- cleanup --------------------------------------------------------------------------------
cleanup() {
  local status=$?
  set +e
  if [[ "$TEST_DB_CREATED" == 1 ]]; then
    if [[ "${KEEP_TEST_DB:-}" == 1 ]]; then
      echo "KEEP_TEST_DB=1: keeping database $TEST_DB ($TEST_DB_URL)"
    else
      echo "Dropping database $TEST_DB"
      admin_sql "$ADMIN_URL" "drop database if exists \"$TEST_DB\" with (force)" ||
        echo "warning: could not drop database $TEST_DB" >&2
    fi
  fi
  if [[ -n "$TEST_ROLE" && "${KEEP_TEST_DB:-}" != 1 ]]; then
    as_postgres psql -p "$PG_PEER_PORT" -qAtX -c "drop role if exists \"$TEST_ROLE\"" ||
      echo "warning: could not drop role $TEST_ROLE" >&2
  fi
  if [[ -n "${E2E_DATA_DIR:-}" && -d "$E2E_DATA_DIR" && "${E2E_DATA_DIR_OWNED:-}" == 1 ]]; then
    if [[ "${KEEP_TEST_DB:-}" == 1 ]]; then
      echo "KEEP_TEST_DB=1: keeping e2e data dir $E2E_DATA_DIR"
    else
      rm -rf "$E2E_DATA_DIR"
    fi
  fi
  print_summary "$status"
  rm -rf "$REPORT_DIR"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- steps ----------------------------------------------------------------------------------
ensure_chromium() {
  if [[ -x /usr/bin/chromium ]]; then
    echo "chromium present: /usr/bin/chromium"
    return 0
  fi
  echo "/usr/bin/chromium missing: installing Debian's chromium package"
  apt_install chromium
  [[ -x /usr/bin/chromium ]] || {
    echo "chromium install did not provide /usr/bin/chromium" >&2
    return 1
  }
}

start_local_postgres() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    echo "PostgreSQL is not installed: installing Debian's postgresql package"
    apt_install postgresql
  fi
  local started=0 v c
  if command -v pg_ctlcluster >/dev/null 2>&1 && [[ -d /etc/postgresql ]]; then
    for v in $(ls /etc/postgresql); do
      for c in $(ls "/etc/postgresql/$v"); do
        if as_root pg_ctlcluster --skip-systemctl-redirect "$v" "$c" start; then
          started=1
        fi
      done
    done
  fi
  if [[ "$started" == 0 ]]; then
    as_root service postgresql start
  fi
}

ensure_postgres() {
  local host port
  read -r host port <<<"$(url_host_port "$ADMIN_URL")"
  if pg_answers "$host" "$port"; then
    echo "PostgreSQL answers on $host:$port"
  else
    case "$host" in
      127.0.0.1 | localhost | ::1) ;;
      *)
        echo "nothing answers on $host:$port (not a local address, so not starting a server)" >&2
        return 1
        ;;
    esac
    echo "nothing answers on $host:$port: starting a local PostgreSQL"
    start_local_postgres
    local i
    for i in $(seq 1 60); do
      pg_answers "$host" "$port" && break
      sleep 0.5
    done
    pg_answers "$host" "$port" || {
      echo "PostgreSQL did not come up on $host:$port" >&2
      return 1
    }
    echo "PostgreSQL answers on $host:$port"
  fi
  ensure_admin_login "$host" "$port"
}

# A freshly installed Debian PostgreSQL asks for a password over TCP, and its postgres user has
# none. If the admin URL cannot log in, the server is local, and DIAL_TEST_PG_ADMIN_URL was not
# given, create a throwaway superuser role with a random password through the postgres OS
# user's peer login, and use it for this run (dropped again on exit).
ensure_admin_login() {
  local host="$1" port="$2" err
  if err="$(admin_sql "$ADMIN_URL" "select 1" 2>&1 >/dev/null)"; then
    return 0
  fi
  echo "cannot log in with $ADMIN_URL: $err" >&2
  if [[ -n "${DIAL_TEST_PG_ADMIN_URL:-}" ]]; then
    echo "fix DIAL_TEST_PG_ADMIN_URL (it must be able to create and drop databases)" >&2
    return 1
  fi
  case "$host" in
    127.0.0.1 | localhost | ::1) ;;
    *) return 1 ;;
  esac
  command -v psql >/dev/null 2>&1 || return 1
  echo "creating a throwaway role through the postgres OS user's local login"
  local role="dial_test_role_${RUN_ID}" password
  password="$(random_hex 24)"
  as_postgres psql -p "$port" -v ON_ERROR_STOP=1 -qAtX \
    -c "create role \"$role\" login superuser password '$password'" || {
    echo "could not create a role; set DIAL_TEST_PG_ADMIN_URL to a URL that can create databases" >&2
    return 1
  }
  TEST_ROLE="$role"
  PG_PEER_PORT="$port"
  ADMIN_URL="$(url_with_credentials "$ADMIN_URL" "$role" "$password")"
  admin_sql "$ADMIN_URL" "select 1" >/dev/null
  echo "using role $role for this run"
}

create_test_db() {
  admin_sql "$ADMIN_URL" "create database \"$TEST_DB\""
  TEST_DB_CREATED=1
  TEST_DB_URL="$(url_with_db "$ADMIN_URL" "$TEST_DB")"
  admin_sql "$TEST_DB_URL" "select 1" >/dev/null
  echo "created database $TEST_DB"
}

run_pg_tests() {
  DATABASE_URL="$TEST_DB_URL" DIAL_SECRET="$(random_hex 32)" vitest_with_report postgres
}

vitest_with_report() { # vitest_with_report PROJECT: one vitest project, with a JSON report
  npx vitest run --project "$1" --reporter=default --reporter=json \
    --outputFile.json="$REPORT_DIR/$1.json"
}

prepare_e2e_data_dir() {
  if [[ -z "${E2E_DATA_DIR:-}" ]]; then
    E2E_DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/dial-e2e-XXXXXX")"
    E2E_DATA_DIR_OWNED=1
  fi
  export E2E_DATA_DIR
  echo "e2e data dir: $E2E_DATA_DIR"
}

run_e2e() {
  prepare_e2e_data_dir
  # The e2e servers use the embedded PGlite default, never the run's PostgreSQL database; the
  # admin journey starts a Dial of its own on a new, empty database made through ADMIN_URL.
  env -u DATABASE_URL E2E_PG_ADMIN_URL="$ADMIN_URL" npx playwright test
}

# --- main -----------------------------------------------------------------------------------
echo "Dial test run $RUN_ID in $REPO_ROOT (steps: $TEST_ONLY${CI:+; CI=$CI})"
echo "node $(node --version), npm $(npm --version)"

run_step "npm install" npm install --no-audit --no-fund

if wants e2e; then
  run_step "chromium" ensure_chromium
else
  step_skip "chromium"
fi

if wants pg || wants db || wants e2e; then
  run_step "postgresql" ensure_postgres
  run_step "create database" create_test_db
else
  step_skip "postgresql"
  step_skip "create database"
fi

if wants lint; then run_step "lint+format (biome check)" npx biome check .; else step_skip "lint+format (biome check)"; fi
if wants types; then run_step "types (tsc --noEmit)" npx tsc --noEmit; else step_skip "types (tsc --noEmit)"; fi
if wants unit; then run_step "vitest (pglite)" vitest_with_report pglite; else step_skip "vitest (pglite)"; fi
if wants pg; then run_step "vitest (postgres)" run_pg_tests; else step_skip "vitest (postgres)"; fi
if wants e2e; then
  run_step "next build" npm run build
  run_step "playwright e2e" run_e2e
else
  step_skip "next build"
  step_skip "playwright e2e"
fi
