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
# Dunning: a copy of the generated data (10k customers, 100k invoices, a
# third of the open ones overdue at the run date), the addon upgraded on it.
BENCH_DATA_DB="$(CUSTOMERS=10000 ORDERS=100000 "$CSP_ROOT/scripts/generate_data.sh" | tail -1)"
"$PY" - "$BENCH_DATA_DB" <<'PYTHON'
import sys
sys.path.insert(0, "scripts")
import odoo_db
odoo_db.copy_db(sys.argv[1], "csp_bench_dunning")
rc, _lines = odoo_db.run_odoo("csp_bench_dunning", "-u", "customer_service_process",
                              "--stop-after-init")
sys.exit(rc)
PYTHON
"$PY" "$CSP_ROOT/scripts/bench_dunning.py" -c "$CSP_CONF" -d csp_bench_dunning
# End to end (make, send on the cron workers' path, print): it commits, so on
# a copy dropped afterwards.
"$PY" - <<'PYTHON'
import sys
sys.path.insert(0, "scripts")
import odoo_db
if odoo_db.db_exists("csp_bench_dunning_e2e"):
    odoo_db.drop_db("csp_bench_dunning_e2e")
odoo_db.copy_db("csp_bench_dunning", "csp_bench_dunning_e2e")
PYTHON
"$PY" "$CSP_ROOT/scripts/bench_dunning.py" -c "$CSP_CONF" -d csp_bench_dunning_e2e \
    --end-to-end --print "${BENCH_PRINT:-100}"
"$PY" -c 'import sys; sys.path.insert(0, "scripts"); import odoo_db; odoo_db.drop_db("csp_bench_dunning_e2e")'
"$PY" "$CSP_ROOT/scripts/bench_kpi.py" -c "$CSP_CONF" -d csp_bench_dunning
# Survey invitations and SLA breach activities for BENCH_JOB_ORDERS (10000)
# orders each, as the cron workers do them: on a copy too.
"$PY" - <<'PYTHON'
import sys
sys.path.insert(0, "scripts")
import odoo_db
if odoo_db.db_exists("csp_bench_batches"):
    odoo_db.drop_db("csp_bench_batches")
odoo_db.copy_db("csp_bench_dunning", "csp_bench_batches")
PYTHON
"$PY" "$CSP_ROOT/scripts/bench_batches.py" -c "$CSP_CONF" -d csp_bench_batches \
    --orders "${BENCH_JOB_ORDERS:-10000}"
"$PY" -c 'import sys; sys.path.insert(0, "scripts"); import odoo_db; odoo_db.drop_db("csp_bench_batches")'
# The same run with OCA's account_credit_control, side by side: its wheel is
# downloaded from PyPI into the cache (never into this repository, never a
# dependency of the addon) and installed in a database of its own.
OCA_DIR="$CSP_CACHE/oca"
if [ ! -d "$OCA_DIR/account_credit_control" ]; then
    rm -rf "$OCA_DIR/wheel" && mkdir -p "$OCA_DIR/wheel"
    if "$PY" -m pip download --no-deps -q -d "$OCA_DIR/wheel" \
            "odoo-addon-account-credit-control>=19.0,<19.1"; then
        "$PY" - "$OCA_DIR" <<'PYTHON'
import pathlib, sys, zipfile
target = pathlib.Path(sys.argv[1])
wheel = next((target / "wheel").glob("*.whl"))
with zipfile.ZipFile(wheel) as archive:
    for name in archive.namelist():
        if name.startswith("odoo/addons/account_credit_control/"):
            archive.extract(name, target / "unpacked")
(target / "unpacked/odoo/addons/account_credit_control").rename(target / "account_credit_control")
PYTHON
    fi
fi
if [ -d "$OCA_DIR/account_credit_control" ]; then
    OCA_CONF="$CSP_BUILD/odoo_oca.conf"
    sed "s|^addons_path = \(.*\)|addons_path = \1,$OCA_DIR|" "$CSP_CONF" > "$OCA_CONF"
    "$PY" - "$OCA_CONF" <<'PYTHON'
import pathlib, sys
sys.path.insert(0, "scripts")
import odoo_db
odoo_db.copy_db("csp_bench_dunning", "csp_bench_oca")
odoo_db.CONF = pathlib.Path(sys.argv[1])
rc, _lines = odoo_db.run_odoo("csp_bench_oca", "-i", "account_credit_control",
                              "--stop-after-init")
sys.exit(rc)
PYTHON
    DUNNING_DATE="$("$PY" "$CSP_ROOT/scripts/bench_dunning.py" -c "$CSP_CONF" \
        -d csp_bench_dunning --print-date)"
    "$PY" "$CSP_ROOT/scripts/bench_oca_credit_control.py" -c "$OCA_CONF" -d csp_bench_oca \
        --date "$DUNNING_DATE"
    # OCA's whole flow (run, mark to do, send by e-mail) on the date of our
    # end-to-end run, beside bench_dunning.py --end-to-end: without the PDF
    # per e-mail for every customer, then as shipped for the first
    # BENCH_OCA_PDF_LIMIT (100); it commits, so on copies dropped afterwards.
    E2E_DATE="$("$PY" "$CSP_ROOT/scripts/bench_dunning.py" -c "$CSP_CONF" \
        -d csp_bench_dunning --print-date-e2e)"
    for MODE in --no-pdf "--limit ${BENCH_OCA_PDF_LIMIT:-100}"; do
        "$PY" -c 'import sys; sys.path.insert(0, "scripts"); import odoo_db; odoo_db.copy_db("csp_bench_oca", "csp_bench_oca_e2e")'
        # shellcheck disable=SC2086  # MODE is one or two words on purpose
        "$PY" "$CSP_ROOT/scripts/bench_oca_credit_control.py" -c "$OCA_CONF" \
            -d csp_bench_oca_e2e --date "$E2E_DATE" --end-to-end $MODE
    done
    "$PY" -c 'import sys; sys.path.insert(0, "scripts"); import odoo_db; odoo_db.drop_db("csp_bench_oca_e2e")'
else
    echo "OCA's account_credit_control could not be downloaded: no side-by-side figure"
fi
"$PY" "$CSP_ROOT/scripts/bench_funnel.py" -c "$CSP_CONF" -d csp_bench_dunning
"$PY" "$CSP_ROOT/scripts/bench_dashboard.py" -c "$CSP_CONF" -d csp_bench_dunning
