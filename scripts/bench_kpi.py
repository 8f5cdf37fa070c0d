"""Benchmark of the management report (issue: management report).

    bench_kpi.py -c CONF -d DB [--runs 3]

On a database made by the data generator (100k orders over a year), times
the report's data for the whole year, its PDF and its XLSX, with the query
count of the data, as a process manager would run it (median of the runs).
The generator's orders predate the answer and fulfilment figures: the
benchmark gives every confirmed order an answer time and a confirmed
delivery first (in the same transaction), so that the report has its full
100k rows behind each figure.  Nothing is committed.
"""

import argparse
import statistics
import sys
import time

from odoo_db import boot  # scripts/ is on sys.path: the script's own folder


def timed(env, runs, work):
    timings, queries = [], []
    for _run in range(runs):
        env.invalidate_all()
        before = env.cr.sql_log_count
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
        queries.append(env.cr.sql_log_count - before)
    return statistics.median(timings), queries[-1]


def bench(env, runs):
    env.cr.execute("""
        UPDATE sale_order
           SET csp_answer_hours = (id % 16)::float, csp_answer_on_time = (id % 16) <= 8,
               csp_delivered_at = COALESCE(csp_answered_at, date_order) + interval '10 days',
               csp_fulfilment_days = (id % 20)::float, csp_fulfilment_on_time = (id % 20) <= 14
         WHERE state = 'sale'
    """)
    env.cr.execute("SELECT min(date_order)::date, max(date_order)::date, count(*) "
                   "FROM sale_order WHERE state = 'sale'")
    first, last, orders = env.cr.fetchone()
    company = env["sale.order"].search([], limit=1).company_id
    wizard = env["csp.kpi.report"].create({
        "date_from": first, "date_to": last, "company_id": company.id})
    data_time, data_queries = timed(env, runs, wizard._csp_data)
    xlsx_time, _queries = timed(env, runs, wizard._csp_xlsx)
    report = env.ref("customer_service_process.action_report_kpi")
    pdf_time, _queries = timed(env, 1, lambda: report._render_qweb_pdf(
        report.report_name, wizard.ids))
    print(f"management report, {orders} orders from {first} to {last}: data "
          f"{data_time:.2f} s ({data_queries} queries), XLSX {xlsx_time:.2f} s, "
          f"PDF {pdf_time:.2f} s")
    env.cr.rollback()


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    odoo, registry = boot(args.config, args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        bench(env, args.runs)


if __name__ == "__main__":
    main(sys.argv[1:])
