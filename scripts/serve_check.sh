#!/usr/bin/env bash
# `make serve-check`: start the production-like server of scripts/serve.sh on
# free loopback ports and a throw-away copy of the demo database, check it
# (scripts/serve_check.py: websocket process healthy, PDFs rendered at the same
# time within a bound while plain requests still answer, peak memory), then
# stop what it started and drop the database.  Exit status 0 when all passed.
#
#   SERVE_CHECK_DB=csp_demo   check that database instead (kept afterwards)
#   SERVE_CHECK_PDFS=3 SERVE_CHECK_BOUND=30 SERVE_CHECK_PLAIN_BOUND=10
#   SERVE_CHECK_OBSERVE=20    seconds the websocket process is watched at least
#   SERVE_REPORT_SERVER=0     without the report-assets server: shows the stall
#   SERVE_WORKERS, SERVE_CRON_WORKERS, SERVE_LIMIT_*: as for serve.sh
source "$(dirname "$0")/env.sh"

export SERVE_NAME="serve-check-$$"
KEEP_DB=1
if [ -z "${SERVE_CHECK_DB:-}" ]; then
    SERVE_CHECK_DB="csp_servecheck_$$"
    KEEP_DB=0
fi
export SERVE_DB="$SERVE_CHECK_DB"

free_port() {
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
SERVE_PORT="$(free_port)"
SERVE_GEVENT_PORT="$(free_port)"
SERVE_REPORT_PORT="$(free_port)"
export SERVE_PORT SERVE_GEVENT_PORT SERVE_REPORT_PORT
export SERVE_REPORT_SERVER="${SERVE_REPORT_SERVER:-1}"

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    "$CSP_ROOT/scripts/serve.sh" stop || true
    if [ "$KEEP_DB" = 0 ] && [ -f "$CSP_BUILD/pg.env" ]; then
        # shellcheck source=/dev/null
        source "$CSP_BUILD/pg.env"
        "$(csp_venv)/bin/python" -c 'import sys; sys.path.insert(0, sys.argv[1]); import odoo_db; odoo_db.drop_db(sys.argv[2])' \
            "$CSP_ROOT/scripts" "$SERVE_DB" && echo ">> dropped $SERVE_DB"
    fi
    if [ "$rc" = 0 ]; then
        rm -f "$CSP_BUILD/log/$SERVE_NAME.log" "$CSP_BUILD/log/$SERVE_NAME-report.log"
    else
        echo ">> logs kept: $CSP_BUILD/log/$SERVE_NAME.log, $CSP_BUILD/log/$SERVE_NAME-report.log"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo ">> serve-check: database $SERVE_DB, ports http $SERVE_PORT, websocket $SERVE_GEVENT_PORT, report assets $SERVE_REPORT_PORT (report-assets server: $SERVE_REPORT_SERVER)"
"$CSP_ROOT/scripts/serve.sh" start
# shellcheck source=/dev/null
source "$CSP_BUILD/pg.env"
report_args=()
if [ "$SERVE_REPORT_SERVER" = 1 ]; then
    report_args=(--report-pid "$(cat "$CSP_BUILD/$SERVE_NAME-report.pid")"
                 --report-log "$CSP_BUILD/log/$SERVE_NAME-report.log")
fi
"$(csp_venv)/bin/python" "$CSP_ROOT/scripts/serve_check.py" \
    --url "http://127.0.0.1:$SERVE_PORT" --gevent-port "$SERVE_GEVENT_PORT" --db "$SERVE_DB" \
    --main-pid "$(cat "$CSP_BUILD/$SERVE_NAME.pid")" --main-log "$CSP_BUILD/log/$SERVE_NAME.log" \
    "${report_args[@]}" \
    --pdfs "${SERVE_CHECK_PDFS:-3}" --bound "${SERVE_CHECK_BOUND:-30}" \
    --plain-bound "${SERVE_CHECK_PLAIN_BOUND:-10}" --observe "${SERVE_CHECK_OBSERVE:-20}"
