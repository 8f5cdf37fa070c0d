"""Benchmark of the feasibility check (issue: feasibility and profitability).

    bench_feasibility.py -c CONF -d DB [--lines 500] [--runs 5]

Creates a quotation of N lines - half of them parts sold from stock, half
made-to-order pumps with a bill of materials and an operation on a loaded
work centre, every line a product of its own - and times the check as a
head-office user (the median of several runs, each on cold caches), with its
query count.  Nothing is committed: the database is left as it was.
"""

import argparse
import statistics
import sys
import time

from odoo_db import boot  # scripts/ is on sys.path: the script's own folder


def make_order(env, lines):
    from odoo import Command  # noqa: PLC0415
    mto = env.ref("stock.route_warehouse0_mto")
    mto.active = True
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    component = env["product.product"].create({
        "name": "Bench housing", "is_storable": True, "standard_price": 40.0})
    env["stock.quant"]._update_available_quantity(component, warehouse.lot_stock_id, 100000)
    workcenter = env["mrp.workcenter"].create({"name": "Bench assembly", "costs_hour": 50.0})
    half = lines // 2
    parts = env["product.product"].create([{
        "name": f"Bench part {i}", "is_storable": True, "list_price": 30.0,
        "standard_price": 10.0} for i in range(half)])
    for part in parts:
        env["stock.quant"]._update_available_quantity(part, warehouse.lot_stock_id, 50)
    pumps = env["product.product"].create([{
        "name": f"Bench pump {i}", "is_storable": True, "list_price": 900.0,
        "route_ids": [Command.set([mto.id])]} for i in range(lines - half)])
    env["mrp.bom"].create([{
        "product_tmpl_id": pump.product_tmpl_id.id, "product_qty": 1,
        "bom_line_ids": [Command.create({"product_id": component.id, "product_qty": 2})],
        "operation_ids": [Command.create({
            "name": "Assemble", "workcenter_id": workcenter.id, "time_cycle_manual": 30.0})],
    } for pump in pumps])
    customer = env["res.partner"].create({"name": "Bench feasibility customer",
                                          "is_company": True})
    order = env["sale.order"].create({
        "partner_id": customer.id,
        "order_line": [Command.create({"product_id": p.id, "product_uom_qty": 2})
                       for p in parts + pumps],
    })
    env.flush_all()
    return order


def bench_check(env, lines, runs):
    env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True))
    user = env["res.users"].with_context(no_reset_password=True).create({
        "name": "Bench Head Office", "login": "bench_feasibility_head_office",
        "group_ids": [(6, 0, [env.ref("customer_service_process.group_head_office").id])],
    })
    order = make_order(env, lines)
    Check = env["csp.feasibility.check"].with_user(user)
    timings, queries = [], []
    for _run in range(runs):
        env.invalidate_all()
        before = env.cr.sql_log_count
        started = time.perf_counter()
        check = Check._csp_start(order.with_user(user))
        env.flush_all()
        timings.append(time.perf_counter() - started)
        queries.append(env.cr.sql_log_count - before)
    results = len(check.sudo().result_ids)
    print(f"feasibility check of a {lines}-line order: median {statistics.median(timings):.2f} s "
          f"(min {min(timings):.2f}, max {max(timings):.2f}, {runs} runs), "
          f"{queries[-1]} queries, {results} results, verdict {check.verdict}")
    env.cr.rollback()


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--lines", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    odoo, registry = boot(args.config, args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        bench_check(env, args.lines, args.runs)


if __name__ == "__main__":
    main(sys.argv[1:])
