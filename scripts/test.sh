#!/usr/bin/env bash
# `make test`: set up what is missing, then run the addon's tests on a fresh
# copy of the cached template database.  Extra arguments go to run_tests.py.
source "$(dirname "$0")/env.sh"
"$CSP_ROOT/scripts/setup.sh"
# shellcheck source=/dev/null
source "$CSP_BUILD/pg.env"
exec "$(csp_venv)/bin/python" "$CSP_ROOT/scripts/run_tests.py" "$@"
