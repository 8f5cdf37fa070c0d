#!/usr/bin/env bash
# `make load`: a bounded load run, loopback only, that stops by itself.
#
# A throw-away copy of the small generated database (csp_bench_400c_1600o_2400i,
# built once by generate_data.py) gets its people (scripts/load_data.py:
# LOAD_REPS field reps, LOAD_PORTAL portal customers, a head-office user);
# the production-like server of scripts/serve.sh serves it on free ports
# (2 workers, a cron worker, the websocket process, the report-assets
# server); scripts/load.py runs them for LOAD_DURATION seconds (180) and
# reports; then the servers are stopped and the copy dropped, whatever
# happened.  Exit status 0 when every check of load.py passed.
#   LOAD_REPS (20) LOAD_PORTAL (10) LOAD_DURATION (180) LOAD_MAX_RATIO (1.5)
#   LOAD_KEEP_DB=1 keeps the database; SERVE_WORKERS etc. as for serve.sh
source "$(dirname "$0")/env.sh"
"$CSP_ROOT/scripts/setup.sh" >/dev/null
# shellcheck source=/dev/null
source "$CSP_BUILD/pg.env"
PY="$(csp_venv)/bin/python"

export SERVE_NAME="load-$$"
export SERVE_DB="csp_load_$$"
export SERVE_DB_READY=1
USERS="$CSP_BUILD/$SERVE_NAME-users.json"
free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
SERVE_PORT="$(free_port)"; SERVE_GEVENT_PORT="$(free_port)"; SERVE_REPORT_PORT="$(free_port)"
export SERVE_PORT SERVE_GEVENT_PORT SERVE_REPORT_PORT

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    "$CSP_ROOT/scripts/serve.sh" stop || true
    rm -f "$USERS"
    if [ "${LOAD_KEEP_DB:-0}" != 1 ]; then
        "$PY" -c 'import sys; sys.path.insert(0, sys.argv[1]); import odoo_db; odoo_db.drop_db(sys.argv[2])' \
            "$CSP_ROOT/scripts" "$SERVE_DB" && echo ">> dropped $SERVE_DB"
    fi
    [ "$rc" = 0 ] && rm -f "$CSP_BUILD/log/$SERVE_NAME.log" "$CSP_BUILD/log/$SERVE_NAME-report.log"
    [ "$rc" = 0 ] || echo ">> logs kept: $CSP_BUILD/log/$SERVE_NAME.log"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

BASE_DB="$("$PY" "$CSP_ROOT/scripts/generate_data.py" --make-bench-db --customers 400 --orders 1600 \
    --products 20 --reps 5 --seed 42 | tail -1)"
"$PY" - "$BASE_DB" "$SERVE_DB" <<'PYTHON'
import sys
sys.path.insert(0, "scripts")
import odoo_db
odoo_db.copy_db(sys.argv[1], sys.argv[2])
rc, lines = odoo_db.run_odoo(sys.argv[2], "-u", odoo_db.MODULE, "--stop-after-init")
if rc:
    sys.exit("\n".join(lines[-20:]))
PYTHON
"$PY" "$CSP_ROOT/scripts/load_data.py" -c "$CSP_CONF" -d "$SERVE_DB" \
    --reps "${LOAD_REPS:-20}" --portal "${LOAD_PORTAL:-10}" --out "$USERS"
"$CSP_ROOT/scripts/serve.sh" start
report_args=()
[ -f "$CSP_BUILD/$SERVE_NAME-report.pid" ] && report_args=(--report-pid "$(cat "$CSP_BUILD/$SERVE_NAME-report.pid")")
"$PY" "$CSP_ROOT/scripts/load.py" --url "http://127.0.0.1:$SERVE_PORT" --db "$SERVE_DB" \
    --users "$USERS" --duration "${LOAD_DURATION:-180}" --max-ratio "${LOAD_MAX_RATIO:-1.5}" \
    --main-pid "$(cat "$CSP_BUILD/$SERVE_NAME.pid")" "${report_args[@]}" \
    --main-log "$CSP_BUILD/log/$SERVE_NAME.log" \
    --dsn "host=$PGHOST port=$PGPORT user=$PGUSER dbname=$SERVE_DB"
