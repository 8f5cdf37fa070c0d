"""Benchmarks of the process backbone (issue: process stages and access).

    bench_backbone.py confirm -c CONF -d DB [--orders 1000]
    bench_backbone.py access  -c CONF -d DB [--customers 100000] [--reps 50]

``confirm``: creates N quotations of a product sold from stock and confirms
them in one batch, timing the confirmation.  Run it on a database without
the addon and on one with it (scripts/bench.sh does both) to get the cost of
stage tracking.  Nothing is committed: the database is left as it was.

``access``: makes sure the database has R field reps and N customers split
among them (created in batches and committed, once), then times the rep's
customer list (search + read of the first page, and a name search) against
the same for a head-office user, median of several runs.
"""

import argparse
import statistics
import sys
import time

from odoo_db import boot  # scripts/ is on sys.path: the script's own folder


def bench_confirm(env, orders_count):
    env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True))
    customer = env["res.partner"].create({"name": "Bench confirm customer", "is_company": True})
    product = env["product.product"].create({
        "name": "Bench confirm product", "type": "consu", "list_price": 10.0,
    })
    orders = env["sale.order"].create([{
        "partner_id": customer.id,
        "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})],
    } for _i in range(orders_count)])
    env.flush_all()
    queries = env.cr.sql_log_count
    started = time.perf_counter()
    orders.action_confirm()
    env.flush_all()
    elapsed = time.perf_counter() - started
    queries = env.cr.sql_log_count - queries
    installed = "csp_stage_id" in orders._fields
    print(f"confirm {orders_count} orders in one batch: {elapsed:.2f} s, {queries} queries "
          f"(addon {'installed' if installed else 'not installed'})")
    env.cr.rollback()
    return elapsed


def ensure_customers(env, customers, reps_count):
    group = env.ref("customer_service_process.group_field_rep")
    Users = env["res.users"].with_context(no_reset_password=True, tracking_disable=True)
    reps = Users.search([("login", "=like", "bench_access_rep_%")])
    missing = [i for i in range(reps_count) if f"bench_access_rep_{i}" not in reps.mapped("login")]
    reps |= Users.create([{
        "name": f"Access Rep {i}", "login": f"bench_access_rep_{i}",
        "group_ids": [(6, 0, [group.id])],
    } for i in missing])
    Partner = env["res.partner"].with_context(tracking_disable=True)
    have = Partner.search_count([("name", "=like", "Access Customer %")])
    for start in range(have, customers, 5000):
        Partner.create([{
            "name": f"Access Customer {i:06d}", "is_company": True, "customer_rank": 1,
            "user_id": reps[i % len(reps)].id,
        } for i in range(start, min(start + 5000, customers))])
        env.cr.commit()
    head_office = Users.search([("login", "=", "bench_access_head_office")]) or Users.create({
        "name": "Access Head Office", "login": "bench_access_head_office",
        "group_ids": [(6, 0, [env.ref("customer_service_process.group_head_office").id])],
    })
    env.cr.commit()
    return reps, head_office


def time_list(env, user, runs=7):
    Partner = env["res.partner"].with_user(user)
    domain = [("is_company", "=", True), ("customer_rank", ">", 0)]
    timings = []
    for _run in range(runs):
        env.invalidate_all()
        env.registry.clear_cache()
        started = time.perf_counter()
        page = Partner.search(domain, limit=80, order="complete_name")
        page.read(["display_name", "email", "city", "user_id"])
        Partner.search_count(domain)
        Partner.name_search("Access Customer 0001", limit=8)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings[1:])


def bench_access(env, customers, reps_count):
    reps, head_office = ensure_customers(env, customers, reps_count)
    head = time_list(env, head_office)
    rep_times = [time_list(env, rep) for rep in reps[:5]]
    rep = statistics.median(rep_times)
    print(f"customer list, {customers} customers among {reps_count} reps: "
          f"head office {head * 1000:.1f} ms, rep {rep * 1000:.1f} ms, "
          f"ratio rep/head office {rep / head:.2f}")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bench", choices=["confirm", "access"])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--customers", type=int, default=100000)
    parser.add_argument("--reps", type=int, default=50)
    args = parser.parse_args(argv)
    odoo, registry = boot(args.config, args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if args.bench == "confirm":
            bench_confirm(env, args.orders)
        else:
            bench_access(env, args.customers, args.reps)


if __name__ == "__main__":
    main(sys.argv[1:])
