#!/usr/bin/env bash
# Idempotent set-up: Debian packages (as root), the venv with Odoo and our
# requirements, the addons link and the Odoo config of this clone.
source "$(dirname "$0")/env.sh"
csp_require_odoo

DEB_PACKAGES="postgresql libldap2-dev libsasl2-dev libpq-dev wkhtmltopdf poppler-utils
xfonts-75dpi xfonts-base fontconfig chromium tesseract-ocr"

install_debian_packages() {
    local missing=() p
    for p in $DEB_PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} = 0 ] && return
    if [ "$(id -u)" != 0 ]; then
        echo "Missing Debian packages: ${missing[*]} (run as root, or install them: apt-get install ${missing[*]})" >&2
        exit 2
    fi
    echo ">> apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

build_venv() {
    local venv
    venv="$(csp_venv)"
    if [ ! -x "$venv/bin/python" ] || [ ! -f "$venv/.complete" ]; then
        echo ">> building the venv $venv (once per requirements set)"
        rm -rf "$venv"
        mkdir -p "$CSP_CACHE"
        "$PYTHON" -m venv "$venv"
        "$venv/bin/pip" install -q --upgrade pip wheel 2>&1 | grep -v "^WARNING: Location" || true
        # cbor2 5.4.2 (Odoo's pin for Python 3.11) builds only from source and
        # needs pkg_resources, which setuptools 81 removed: build it without
        # isolation against a capped setuptools, then install the rest.
        "$venv/bin/pip" install -q --upgrade "setuptools>=70,<81" "setuptools_scm<9"
        local cbor
        cbor="$(grep -E '^cbor2==[0-9.]+ *; *python_version < .3.12.' "$ODOO_SRC/requirements.txt" | cut -d';' -f1 | tr -d ' ')"
        if [ -n "$cbor" ] && "$venv/bin/python" -c 'import sys; sys.exit(sys.version_info >= (3, 12))'; then
            "$venv/bin/pip" install -q --no-build-isolation "$cbor"
        fi
        "$venv/bin/pip" install -q -r "$ODOO_SRC/requirements.txt"
        "$venv/bin/pip" install -q -r "$CSP_ROOT/requirements.txt"
        touch "$venv/.complete"
    fi
    # Odoo itself, editable, pointing at this ODOO_SRC (cheap, so always checked).
    if ! "$venv/bin/python" -c "import odoo, sys; sys.exit(0 if odoo.__path__[0].startswith('$ODOO_SRC') else 1)" 2>/dev/null; then
        echo ">> installing Odoo from $ODOO_SRC into the venv"
        "$venv/bin/pip" install -q --no-deps -e "$ODOO_SRC" --config-settings editable_mode=compat >"$CSP_CACHE/odoo-pip.log" 2>&1
    fi
    # Odoo's websocket (gevent) process, with --workers, loads zope.* through
    # pkg_resources; the old setuptools a venv starts with cannot read their
    # metadata and the process crash-loops.  Repairs venvs built before too.
    if ! "$venv/bin/python" -c "import pkg_resources as p; p.require('zope.interface', 'zope.event')" 2>/dev/null; then
        echo ">> upgrading setuptools in the venv (pkg_resources must find zope.*)"
        "$venv/bin/pip" install -q --upgrade "setuptools>=70,<81"
    fi
    # Earlier set-ups linked the venv into the clone; the addon must not hold it.
    if [ -L "$CSP_ROOT/.venv" ]; then rm -f "$CSP_ROOT/.venv"; fi
}

write_config() {
    mkdir -p "$CSP_ADDONS_LINK" "$CSP_BUILD/log" "$CSP_FILESTORE"
    ln -sfn "$CSP_ROOT" "$CSP_ADDONS_LINK/$CSP_MODULE"
    # shellcheck source=/dev/null
    source "$CSP_BUILD/pg.env"
    cat > "$CSP_CONF" <<CONF
[options]
addons_path = $ODOO_SRC/addons,$CSP_ADDONS_LINK
data_dir = $CSP_FILESTORE
db_host = $PGHOST
db_port = $PGPORT
db_user = $PGUSER
${PGPASSWORD:+db_password = $PGPASSWORD
}admin_passwd = admin
list_db = True
http_interface = 127.0.0.1
max_cron_threads = 1
CONF
}

install_debian_packages
build_venv
"$CSP_ROOT/scripts/pg.sh" start
write_config
