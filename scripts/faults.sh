#!/usr/bin/env bash
# `make faults`: the dunning send survives cron workers killed with SIGKILL,
# every letter's mail, activity, fee invoice, level and chatter message exactly
# once (scripts/faults.py says how).  Two Odoo servers (--workers=2
# --max-cron-threads=1) on a throw-away copy of a small benchmark database,
# loopback only; both stopped and the copy dropped at the end, whatever happens.
#   FAULTS_CUSTOMERS (400) FAULTS_ORDERS (1600): the benchmark database, built
#     once by generate_data.py (csp_bench_<customers>c_<orders>o_<inquiries>i) and reused
#   FAULTS_BATCH (10) letters per batch; FAULTS_KILLS (2): 1 = only a cron
#     worker, 2 = then the whole server running the next batch
#   FAULTS_SEND_TIMEOUT (300) seconds for the run to be sent; FAULTS_KEEP_DB=1
source "$(dirname "$0")/env.sh"
"$CSP_ROOT/scripts/setup.sh" >/dev/null
# shellcheck source=/dev/null
source "$CSP_BUILD/pg.env"
exec "$(csp_venv)/bin/python" "$CSP_ROOT/scripts/faults.py" \
    --customers "${FAULTS_CUSTOMERS:-400}" --orders "${FAULTS_ORDERS:-1600}" \
    --batch-size "${FAULTS_BATCH:-10}" --kills "${FAULTS_KILLS:-2}" \
    --send-timeout "${FAULTS_SEND_TIMEOUT:-300}" \
    $([ "${FAULTS_KEEP_DB:-0}" = 1 ] && echo --keep-db)
