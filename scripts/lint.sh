#!/usr/bin/env bash
# `make lint`: ruff on everything, pylint-odoo on the addon.
source "$(dirname "$0")/env.sh"
[ -x "$CSP_ROOT/.venv/bin/ruff" ] || "$CSP_ROOT/scripts/setup.sh"
cd "$CSP_ROOT"
.venv/bin/ruff check .
.venv/bin/pylint --rcfile=.pylintrc __init__.py models tests __manifest__.py
echo "lint: clean"
