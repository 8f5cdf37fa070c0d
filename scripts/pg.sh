#!/usr/bin/env bash
# The project's own PostgreSQL cluster: `pg.sh start|stop|status`.
# With PGHOST/PGPORT/PGUSER set to an existing server, that server is used and
# nothing is started.  The embedded cluster lives in the shared cache, listens
# on a unix socket there and on 127.0.0.1 at a free port, and never touches the
# system's own cluster.
source "$(dirname "$0")/env.sh"

mkdir -p "$CSP_BUILD"
PGENV="$CSP_BUILD/pg.env"

if [ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ] && [ -z "${CSP_EMBEDDED_PG:-}" ]; then
    # An existing server chosen by the user.
    cat > "$PGENV" <<ENV
export PGHOST=${PGHOST:-localhost} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-$(id -un)}
export PGPASSWORD=${PGPASSWORD:-}
ENV
    [ "${1:-start}" = stop ] || echo ">> using the PostgreSQL server at ${PGHOST:-localhost}:${PGPORT:-5432}"
    exit 0
fi

BIN="$(csp_pg_bindir)"
PORTFILE="$CSP_PGRUN/port"

free_port() {
    "$PYTHON" - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
PY
}

running() {
    csp_as_pg "$BIN/pg_ctl" -D "$CSP_PGDATA" status >/dev/null 2>&1
}

write_env() {
    echo "export PGHOST=$CSP_PGRUN PGPORT=$(cat "$PORTFILE") PGUSER=odoo PGPASSWORD=" > "$PGENV"
}

start() {
    mkdir -p "$CSP_CACHE"
    chmod 755 "$CSP_CACHE"
    exec 9>"$CSP_CACHE/pg.lock"
    flock 9
    if [ ! -f "$CSP_PGDATA/PG_VERSION" ]; then
        echo ">> creating the project's PostgreSQL cluster in $CSP_PGDATA"
        rm -rf "$CSP_PGDATA"
        mkdir -p "$CSP_PGDATA" "$CSP_PGRUN"
        [ "$(id -u)" = 0 ] && chown postgres: "$CSP_PGDATA" "$CSP_PGRUN"
        csp_as_pg "$BIN/initdb" -D "$CSP_PGDATA" -U odoo --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
        # A development and test cluster: speed over crash safety.
        cat >> "$CSP_PGDATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$CSP_PGRUN'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 512MB
work_mem = 32MB
maintenance_work_mem = 256MB
CONF
    fi
    mkdir -p "$CSP_PGRUN"
    [ "$(id -u)" = 0 ] && chown postgres: "$CSP_PGRUN"
    if running && [ -f "$PORTFILE" ]; then
        write_env
        return
    fi
    local port
    port="$(free_port)"
    echo "$port" > "$PORTFILE"
    csp_as_pg "$BIN/pg_ctl" -D "$CSP_PGDATA" -l "$CSP_PGRUN/postgres.log" -w -t 60 \
        -o "-p $port" start >/dev/null 9>&-   # the server must not inherit the lock
    echo ">> PostgreSQL started: socket $CSP_PGRUN, 127.0.0.1:$port"
    touch "$CSP_BUILD/pg.started-here"
    write_env
}

stop() {
    if running; then
        csp_as_pg "$BIN/pg_ctl" -D "$CSP_PGDATA" -m fast -w stop >/dev/null
        echo ">> PostgreSQL stopped"
    fi
    rm -f "$CSP_BUILD/pg.started-here"
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    status) if running; then echo "running on port $(cat "$PORTFILE")"; else echo "stopped"; exit 3; fi ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
