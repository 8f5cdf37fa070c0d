# Shared settings of the project's scripts; sourced, never run.
# Every path a user may want elsewhere is an environment variable with a default.

set -euo pipefail

CSP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CSP_MODULE=customer_service_process
ODOO_SRC="${ODOO_SRC:-/opt/odoo}"
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

# The cache is shared by every clone and CI run of this machine: the venv, the
# PostgreSQL cluster and its template databases live there.  PostgreSQL will not
# run as root, so as root the cluster runs as the `postgres` OS user, which can
# not enter /root: root's cache goes under /var/cache instead.
if [ "$(id -u)" = 0 ]; then
    CSP_CACHE="${CSP_CACHE:-/var/cache/customer_service_process}"
else
    CSP_CACHE="${CSP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/customer_service_process}"
fi
CSP_PGDATA="$CSP_CACHE/pgdata"
CSP_PGRUN="$CSP_CACHE/pgrun"          # unix socket, port file, log
CSP_FILESTORE="$CSP_CACHE/odoo-data"   # Odoo's data_dir (filestores)
CSP_BUILD="$CSP_ROOT/.build"           # per-clone: config, logs, pids
# The addons-path folder holding the link customer_service_process -> this
# clone.  Outside the clone: a link inside it would make a loop for every tool
# that walks the addon's files (Odoo's translation export does).
CSP_ADDONS_LINK="$CSP_CACHE/addons/$(printf %s "$CSP_ROOT" | sha1sum | cut -c1-12)"
CSP_CONF="$CSP_BUILD/odoo.conf"
DEMO_DB="${DEMO_DB:-csp_demo}"
DEMO_PORT="${DEMO_PORT:-8069}"

# The venv is keyed by what goes into it, so a change of requirements builds a
# new one instead of patching a venv another clone is using.
csp_venv_key() {
    cat "$ODOO_SRC/requirements.txt" "$CSP_ROOT/requirements.txt" "$ODOO_SRC/setup.py" 2>/dev/null \
        | sha1sum | cut -c1-12
}

# The venv of this requirements set, in the cache.  Not linked into the clone:
# the clone is the addon, and Odoo's tools walk every file of an addon.
csp_venv() {
    echo "$CSP_CACHE/venv-$(csp_venv_key)"
}

csp_require_odoo() {
    if [ ! -f "$ODOO_SRC/odoo/release.py" ] || [ ! -d "$ODOO_SRC/addons/sale_mrp" ]; then
        cat >&2 <<MSG

Odoo 19.0 Community source not found at ODOO_SRC=$ODOO_SRC.
This project runs on Odoo's own source tree, which it does not contain: get a
checkout of Odoo 19.0 Community (the folder that holds odoo-bin, odoo/ and
addons/), then run again with ODOO_SRC=/path/to/that/folder (default /opt/odoo).
Nothing was installed or created.

MSG
        exit 2
    fi
    if ! grep -q "^version_info = (19, 0" "$ODOO_SRC/odoo/release.py"; then
        echo "ODOO_SRC=$ODOO_SRC is not Odoo 19.0 ($(grep '^version_info' "$ODOO_SRC/odoo/release.py"))." >&2
        exit 2
    fi
}

# Run a command as the owner of the PostgreSQL cluster.
csp_as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

csp_pg_bindir() {
    local d
    for d in "${PG_BINDIR:-}" /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
        if [ -n "$d" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return; fi
    done
    command -v pg_ctl >/dev/null && dirname "$(command -v pg_ctl)" && return
    echo "PostgreSQL server binaries not found (install Debian's postgresql)" >&2
    exit 2
}
