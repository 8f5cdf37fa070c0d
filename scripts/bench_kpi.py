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

import statistics
import sys
import time

from odoo_db import run_bench  # scripts/ is on sys.path: the script's own folder


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


def head_of_sales(env):
    """A process manager of the generated orders' company, the user the
    benchmarks ask as (through his record rules); made in the benchmark's
    transaction, which is rolled back."""
    company = env["sale.order"].search([], limit=1).company_id or env.company
    return env["res.users"].with_context(no_reset_password=True).create({
        "name": "Bench Head of Sales", "login": "bench_head_of_sales",
        "company_id": company.id, "company_ids": [(6, 0, company.ids)],
        "group_ids": [(6, 0, [env.ref("customer_service_process.group_process_manager").id])]})


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


if __name__ == "__main__":
    run_bench(__doc__, bench, sys.argv[1:])
