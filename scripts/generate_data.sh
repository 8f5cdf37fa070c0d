#!/usr/bin/env bash
# Build the benchmark template database csp_bench_<customers>c_<orders>o_<inquiries>i once:
# a copy of the cached template with the addon installed and generated data
# (scripts/generate_data.py).  Prints the rates of the generation and the
# database's name; when the database exists already, just its name.
#   CUSTOMERS (10000) PRODUCTS (500) ORDERS (100000) REPS (50) INQUIRIES (1.5 x ORDERS)
#   BATCH (500) SEED (42): passed on to generate_data.py
source "$(dirname "$0")/env.sh"
"$CSP_ROOT/scripts/setup.sh"
# shellcheck source=/dev/null
source "$CSP_BUILD/pg.env"
exec "$(csp_venv)/bin/python" "$CSP_ROOT/scripts/generate_data.py" --make-bench-db \
    --customers "${CUSTOMERS:-10000}" --products "${PRODUCTS:-500}" \
    --orders "${ORDERS:-100000}" --reps "${REPS:-50}" \
    --batch "${BATCH:-500}" --seed "${SEED:-42}" ${INQUIRIES:+--inquiries "$INQUIRIES"}
