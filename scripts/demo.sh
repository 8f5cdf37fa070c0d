#!/usr/bin/env bash
# `demo.sh start`: set up, create the demo database once, start Odoo.
# `demo.sh stop`: stop the Odoo server and the PostgreSQL cluster it started.
# DEMO_RESET=1 recreates the demo database from the template.
source "$(dirname "$0")/env.sh"
PIDFILE="$CSP_BUILD/odoo.pid"

start() {
    "$CSP_ROOT/scripts/setup.sh"
    # shellcheck source=/dev/null
    source "$CSP_BUILD/pg.env"
    "$(csp_venv)/bin/python" "$CSP_ROOT/scripts/make_demo_db.py" "$DEMO_DB"
    if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
        echo ">> Odoo is already running (pid $(cat "$PIDFILE"))"
    else
        nohup "$(csp_venv)/bin/python" "$ODOO_SRC/odoo-bin" -c "$CSP_CONF" -d "$DEMO_DB" \
            --db-filter="^${DEMO_DB}\$" --http-port "$DEMO_PORT" \
            >"$CSP_BUILD/log/demo.log" 2>&1 &
        echo $! > "$PIDFILE"
        for _ in $(seq 1 120); do
            curl -fsS -o /dev/null "http://127.0.0.1:$DEMO_PORT/web/login" 2>/dev/null && break
            kill -0 "$(cat "$PIDFILE")" 2>/dev/null || { tail -20 "$CSP_BUILD/log/demo.log"; exit 1; }
            sleep 1
        done
    fi
    cat <<MSG

Odoo is running: http://127.0.0.1:$DEMO_PORT  (database $DEMO_DB, log $CSP_BUILD/log/demo.log)
Demo logins (password = login):
  admin       administrator
  headoffice  head office: all customers and orders
  rep1, rep2  field representatives: their own customers only
  manager     process manager / head of sales
  accountant  accounting and dunning
Stop it with: make stop
MSG
}

stop() {
    if [ -f "$PIDFILE" ]; then
        local pid
        pid="$(cat "$PIDFILE")"
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid"
            for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
            kill -9 "$pid" 2>/dev/null || true
            echo ">> Odoo stopped (pid $pid)"
        fi
        rm -f "$PIDFILE"
    fi
    if [ -f "$CSP_BUILD/pg.started-here" ]; then
        "$CSP_ROOT/scripts/pg.sh" stop
    fi
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
