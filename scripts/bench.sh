#!/usr/bin/env bash
# `make bench`: the benchmarks, each on its own cached database.
#   csp_bench_plain  the template: Odoo with the addon's dependencies, no addon
#   csp_bench_addon  the same with the addon installed
# BENCH_ORDERS (1000) orders confirmed in one batch; BENCH_CUSTOMERS (100000)
# customers among BENCH_REPS (50) reps for the access benchmark.
source "$(dirname "$0")/env.sh"
"$CSP_ROOT/scripts/setup.sh" >/dev/null
# shellcheck source=/dev/null
source "$CSP_BUILD/pg.env"
PY="$(csp_venv)/bin/python"
"$PY" - <<'PYTHON'
import sys
sys.path.insert(0, "scripts")
import odoo_db
if not odoo_db.db_exists("csp_bench_plain"):
    odoo_db.copy_db(odoo_db.ensure_template(), "csp_bench_plain")
PYTHON
"$PY" "$CSP_ROOT/scripts/make_demo_db.py" csp_bench_addon
for db in csp_bench_plain csp_bench_addon; do
    "$PY" "$CSP_ROOT/scripts/bench_backbone.py" confirm -c "$CSP_CONF" -d "$db" \
        --orders "${BENCH_ORDERS:-1000}"
done
"$PY" "$CSP_ROOT/scripts/bench_backbone.py" access -c "$CSP_CONF" -d csp_bench_addon \
    --customers "${BENCH_CUSTOMERS:-100000}" --reps "${BENCH_REPS:-50}"
"$PY" "$CSP_ROOT/scripts/bench_feasibility.py" -c "$CSP_CONF" -d csp_bench_addon \
    --lines "${BENCH_LINES:-500}"
