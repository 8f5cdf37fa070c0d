#!/usr/bin/env bash
# `make lint`: ruff on everything, pylint-odoo on the addon.
source "$(dirname "$0")/env.sh"
csp_require_odoo
VENV="$(csp_venv)"
[ -x "$VENV/bin/ruff" ] || "$CSP_ROOT/scripts/setup.sh"
cd "$CSP_ROOT"
"$VENV/bin/ruff" check .
"$VENV/bin/pylint" --rcfile=.pylintrc __init__.py models tests __manifest__.py
echo "lint: clean"
