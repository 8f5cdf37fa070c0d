#!/usr/bin/env bash
# `serve.sh start|stop|status`: the addon served as in production, loopback only.
#
#   - the main server: prefork, SERVE_WORKERS HTTP workers (2), SERVE_CRON_WORKERS
#     cron workers (1), Odoo's websocket (gevent) process on SERVE_GEVENT_PORT, the
#     limits below, no database list;
#   - the report-assets server: a small threaded Odoo process on SERVE_REPORT_PORT
#     (no cron, not meant to be proxied) that the `report.url` system parameter
#     points at.  wkhtmltopdf, started by a worker rendering a PDF, fetches the
#     report's CSS, fonts and images from `report.url`; served by the main pool,
#     two PDFs at once would each hold a worker while waiting for the other
#     worker: with two workers, the whole server stalls until wkhtmltopdf gives
#     up or the worker is killed.  See README, "Running in production".
#
# The database (SERVE_DB, default DEMO_DB = csp_demo) is created like `make demo`'s,
# by make_demo_db.py (or the addon upgraded in it), unless SERVE_DB_READY=1.
# `report.url`, `web.base.url` and `web.base.url.freeze` are set for the run and put back as they were on stop.
# Everything started here is in one process group per server, recorded in
# .build/<SERVE_NAME>*.pid; stop kills those groups and nothing else.
# SERVE_REPORT_SERVER=0 runs without the report-assets server (report.url unset):
# the set-up that stalls, to reproduce it.
source "$(dirname "$0")/env.sh"

SERVE_NAME="${SERVE_NAME:-serve}"
STATE="$CSP_BUILD/$SERVE_NAME.env"          # what `start` chose, for stop/status
if [ "${1:-start}" != start ] && [ -f "$STATE" ]; then
    # shellcheck source=/dev/null
    source "$STATE"
fi
SERVE_DB="${SERVE_DB:-$DEMO_DB}"
SERVE_PORT="${SERVE_PORT:-8069}"
SERVE_GEVENT_PORT="${SERVE_GEVENT_PORT:-8072}"
SERVE_REPORT_PORT="${SERVE_REPORT_PORT:-8071}"
SERVE_REPORT_SERVER="${SERVE_REPORT_SERVER:-1}"
SERVE_BASE_URL="${SERVE_BASE_URL:-http://127.0.0.1:$SERVE_PORT}"
SERVE_WORKERS="${SERVE_WORKERS:-2}"
SERVE_CRON_WORKERS="${SERVE_CRON_WORKERS:-1}"
# Limits (see README): a request is killed after 60 s of CPU or 120 s of real
# time; a cron run after 600 s (the addon's crons commit batch by batch and hand
# the worker back after ~10 s, so this only catches a hung job).  Memory limits
# are on *virtual* memory and the hard one (RLIMIT_AS) is inherited by
# wkhtmltopdf, which maps ~1.45 GB even for a one-line page (under 1.4 GB it
# aborts or segfaults: Odoo's "error -11, Memory limit too low"): keep headroom.
SERVE_LIMIT_TIME_CPU="${SERVE_LIMIT_TIME_CPU:-60}"
SERVE_LIMIT_TIME_REAL="${SERVE_LIMIT_TIME_REAL:-120}"
SERVE_LIMIT_TIME_REAL_CRON="${SERVE_LIMIT_TIME_REAL_CRON:-600}"
SERVE_LIMIT_MEMORY_SOFT="${SERVE_LIMIT_MEMORY_SOFT:-$((2048 * 1024 * 1024))}"
SERVE_LIMIT_MEMORY_HARD="${SERVE_LIMIT_MEMORY_HARD:-$((2560 * 1024 * 1024))}"
# Connections per process: (workers + cron workers + gevent + report server)
# times this stays under PostgreSQL's max_connections (200 in the project's cluster).
SERVE_DB_MAXCONN="${SERVE_DB_MAXCONN:-32}"

PIDFILE="$CSP_BUILD/$SERVE_NAME.pid"
REPORT_PIDFILE="$CSP_BUILD/$SERVE_NAME-report.pid"
LOG="$CSP_BUILD/log/$SERVE_NAME.log"
REPORT_LOG="$CSP_BUILD/log/$SERVE_NAME-report.log"
PARAMS_BACKUP="$CSP_BUILD/$SERVE_NAME.params.sql"
PARAM_KEYS="'report.url', 'web.base.url', 'web.base.url.freeze'"

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Wait until URL answers 200, while the process of PIDFILE lives.
wait_http() {
    local url="$1" pidfile="$2" log="$3" seconds="${4:-120}"
    for _ in $(seq 1 "$seconds"); do
        curl -fsS -m 5 -o /dev/null "$url" 2>/dev/null && return 0
        alive "$pidfile" || { echo "!! the server died; last lines of $log:" >&2; tail -20 "$log" >&2; return 1; }
        sleep 1
    done
    echo "!! $url did not answer within ${seconds}s; see $log" >&2
    return 1
}

# Start "$@" as the leader of a new process group, output to LOG, pid to PIDFILE.
spawn() {
    local pidfile="$1" log="$2"
    shift 2
    # A cron job left partly done wakes the cron workers at once (README,
    # Running in production).
    ODOO_NOTIFY_CRON_CHANGES=1 setsid "$@" >"$log" 2>&1 </dev/null &
    echo $! >"$pidfile"
}

# Kill the process group recorded in PIDFILE (the server, its workers, its
# gevent process and any wkhtmltopdf they run), TERM first, KILL after 30 s.
stop_group() {
    local pidfile="$1" what="$2" pid
    [ -f "$pidfile" ] || return 0
    pid="$(cat "$pidfile")"
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 60); do
            kill -0 -- "-$pid" 2>/dev/null || break
            sleep 0.5
        done
        kill -KILL -- "-$pid" 2>/dev/null || true
        echo ">> $what stopped (process group $pid)"
    elif kill -0 -- "-$pid" 2>/dev/null; then
        kill -KILL -- "-$pid" 2>/dev/null || true   # orphaned workers of a dead server
    fi
    rm -f "$pidfile"
}

psql_db() { psql -X -q -t -A -v ON_ERROR_STOP=1 -d "$SERVE_DB" "$@"; }

set_params() {
    if [ ! -f "$PARAMS_BACKUP" ]; then
        # The SQL that puts the keys back as they are now (a backup left by a
        # run that was not stopped is kept: it holds the values from before it).
        psql_db >"$PARAMS_BACKUP" <<SQL
SELECT format('INSERT INTO ir_config_parameter (key, value) VALUES (%L, %L) '
              'ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;', key, value)
  FROM ir_config_parameter WHERE key IN ($PARAM_KEYS);
SELECT format('DELETE FROM ir_config_parameter WHERE key = %L;', k)
  FROM unnest(ARRAY[$PARAM_KEYS]) k
 WHERE k NOT IN (SELECT key FROM ir_config_parameter);
SQL
    fi
    local report_url=""
    [ "$SERVE_REPORT_SERVER" = 1 ] && report_url="http://127.0.0.1:$SERVE_REPORT_PORT"
    psql_db -v base_url="$SERVE_BASE_URL" -v report_url="$report_url" >/dev/null <<'SQL'
INSERT INTO ir_config_parameter (key, value, create_uid, write_uid, create_date, write_date)
VALUES ('web.base.url', :'base_url', 1, 1, now() at time zone 'UTC', now() at time zone 'UTC'),
       ('web.base.url.freeze', 'True', 1, 1, now() at time zone 'UTC', now() at time zone 'UTC')
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, write_date = EXCLUDED.write_date;
DELETE FROM ir_config_parameter WHERE key = 'report.url';
INSERT INTO ir_config_parameter (key, value, create_uid, write_uid, create_date, write_date)
SELECT 'report.url', :'report_url', 1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
 WHERE :'report_url' <> '';
SQL
}

restore_params() {
    [ -f "$PARAMS_BACKUP" ] || return 0
    if [ "$(psql -X -t -A -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$SERVE_DB'")" = 1 ]; then
        psql_db -f "$PARAMS_BACKUP" >/dev/null
        echo ">> report.url and web.base.url of $SERVE_DB put back as they were"
    fi
    rm -f "$PARAMS_BACKUP"
}

# What both servers share: the project's config (data_dir, and so the session
# store wkhtmltopdf's cookie refers to), one database, loopback, no database list.
odoo_args() {
    ODOO_ARGS=("$(csp_venv)/bin/python" "$ODOO_SRC/odoo-bin" -c "$CSP_CONF" -d "$SERVE_DB"
               "--db-filter=^${SERVE_DB}\$" --http-interface 127.0.0.1 --no-database-list
               --db_maxconn "$SERVE_DB_MAXCONN")
}

start() {
    if alive "$PIDFILE"; then
        echo ">> already running (pid $(cat "$PIDFILE")): http://127.0.0.1:$SERVE_PORT; make serve-stop stops it"
        return 0
    fi
    "$CSP_ROOT/scripts/setup.sh"
    # shellcheck source=/dev/null
    source "$CSP_BUILD/pg.env"
    local port
    for port in "$SERVE_PORT" "$SERVE_GEVENT_PORT" $([ "$SERVE_REPORT_SERVER" = 1 ] && echo "$SERVE_REPORT_PORT"); do
        if port_busy "$port"; then
            echo "!! port $port on 127.0.0.1 is in use (a \`make demo\` server? \`make stop\`), or choose" \
                 "SERVE_PORT / SERVE_GEVENT_PORT / SERVE_REPORT_PORT" >&2
            exit 1
        fi
    done
    # SERVE_DB_READY=1: the caller has prepared SERVE_DB (make load does).
    [ "${SERVE_DB_READY:-0}" = 1 ] || "$(csp_venv)/bin/python" "$CSP_ROOT/scripts/make_demo_db.py" "$SERVE_DB"
    cat >"$STATE" <<ENV
SERVE_DB=$SERVE_DB
SERVE_PORT=$SERVE_PORT
SERVE_GEVENT_PORT=$SERVE_GEVENT_PORT
SERVE_REPORT_PORT=$SERVE_REPORT_PORT
SERVE_REPORT_SERVER=$SERVE_REPORT_SERVER
ENV
    set_params
    odoo_args
    if [ "$SERVE_REPORT_SERVER" = 1 ]; then
        # Threaded (a thread per request, so concurrent renders never queue
        # behind each other), no cron, no gevent process.
        spawn "$REPORT_PIDFILE" "$REPORT_LOG" "${ODOO_ARGS[@]}" --http-port "$SERVE_REPORT_PORT" \
            --workers 0 --max-cron-threads 0
    fi
    spawn "$PIDFILE" "$LOG" "${ODOO_ARGS[@]}" --http-port "$SERVE_PORT" --gevent-port "$SERVE_GEVENT_PORT" \
        --workers "$SERVE_WORKERS" --max-cron-threads "$SERVE_CRON_WORKERS" \
        --limit-time-cpu "$SERVE_LIMIT_TIME_CPU" --limit-time-real "$SERVE_LIMIT_TIME_REAL" \
        --limit-time-real-cron "$SERVE_LIMIT_TIME_REAL_CRON" \
        --limit-memory-soft "$SERVE_LIMIT_MEMORY_SOFT" --limit-memory-hard "$SERVE_LIMIT_MEMORY_HARD"
    local ok=1
    if [ "$SERVE_REPORT_SERVER" = 1 ]; then
        wait_http "http://127.0.0.1:$SERVE_REPORT_PORT/web/login" "$REPORT_PIDFILE" "$REPORT_LOG" || ok=0
    fi
    [ $ok = 1 ] && { wait_http "http://127.0.0.1:$SERVE_PORT/web/login" "$PIDFILE" "$LOG" || ok=0; }
    [ $ok = 1 ] && { wait_http "http://127.0.0.1:$SERVE_GEVENT_PORT/websocket/health" "$PIDFILE" "$LOG" 60 || ok=0; }
    if [ $ok = 0 ]; then
        stop
        exit 1
    fi
    local report_line="report.url unset (SERVE_REPORT_SERVER=0): wkhtmltopdf fetches from the workers themselves"
    [ "$SERVE_REPORT_SERVER" = 1 ] && report_line="report assets http://127.0.0.1:$SERVE_REPORT_PORT  (report.url; log $REPORT_LOG)"
    cat <<MSG

Odoo is serving $SERVE_DB as in production (loopback only):
  web        http://127.0.0.1:$SERVE_PORT  ($SERVE_WORKERS workers, $SERVE_CRON_WORKERS cron workers; log $LOG)
  websocket  http://127.0.0.1:$SERVE_GEVENT_PORT/websocket  (gevent process)
  $report_line
Demo logins as for \`make demo\` (password = login).  Stop it with: make serve-stop
MSG
}

stop() {
    stop_group "$PIDFILE" "Odoo (main server)"
    stop_group "$REPORT_PIDFILE" "Odoo (report-assets server)"
    if [ -f "$PARAMS_BACKUP" ]; then
        # shellcheck source=/dev/null
        source "$CSP_BUILD/pg.env"
        restore_params
    fi
    rm -f "$STATE"
}

status() {
    local rc=0
    if alive "$PIDFILE"; then
        echo "main server: pid $(cat "$PIDFILE"), http://127.0.0.1:$SERVE_PORT, websocket :$SERVE_GEVENT_PORT, database $SERVE_DB"
    else
        echo "main server: stopped"; rc=3
    fi
    if alive "$REPORT_PIDFILE"; then
        echo "report-assets server: pid $(cat "$REPORT_PIDFILE"), http://127.0.0.1:$SERVE_REPORT_PORT"
    elif [ "$SERVE_REPORT_SERVER" = 1 ]; then
        echo "report-assets server: stopped"; rc=3
    fi
    return $rc
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
