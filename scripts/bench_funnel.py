"""Benchmark of the funnel and the workload (issue: inquiries in the CRM).

    bench_funnel.py -c CONF -d DB [--runs 3]

On a database made by the data generator (orders over a year, each with its
CRM inquiry, and half as many again lost), as the head of sales (a process
manager, through his record rules): the funnel pivot of the year by channel
and by lost reason (`formatted_read_group`, as the web client asks it), the
management report's funnel section for the year, and the workload of every
salesperson and head-office employee (the counts of *Workload*).  Median of
the runs, with the query count; the workload's query count is also read for
one person, to show it does not grow with the number of people.  Target:
each at most 2 s.  Nothing is committed.
"""

import sys

from bench_kpi import head_of_sales, timed  # scripts/ is on sys.path
from odoo_db import run_bench


def bench(env, runs):
    head = head_of_sales(env)
    company = head.company_id
    env.cr.execute("SELECT count(*), min(date), max(date) FROM csp_funnel")
    inquiries, first, last = env.cr.fetchone()
    as_head = env(user=head)
    Funnel = as_head["csp.funnel"]
    domain = [("date", ">=", first), ("date", "<=", last)]
    measures = ["inquiry_count:sum", "offer_count:sum", "accepted_count:sum",
                "delivered_count:sum", "paid_count:sum", "lost_count:sum"]
    results = {
        "funnel by channel": timed(env, runs, lambda: Funnel.formatted_read_group(
            domain, ["channel"], measures)),
        "funnel lost by reason and step": timed(env, runs, lambda: Funnel.formatted_read_group(
            [*domain, ("lost_count", "=", 1)], ["lost_reason_id", "lost_at"], ["__count"])),
    }
    wizard = as_head["csp.kpi.report"].create({
        "date_from": first.date(), "date_to": last.date(), "company_id": company.id})
    results["report's funnel section"] = timed(env, runs, wizard._csp_section_funnel)
    people = as_head["res.users"].search([
        ("share", "=", False),
        ("all_group_ids", "in", env.ref("sales_team.group_sale_salesman").id)])
    count_fields = [name for name in people._fields if name.startswith("csp_work_")]
    results[f"workload of {len(people)} people"] = timed(
        env, runs, lambda: people.read(count_fields))
    results["workload of 1 person"] = timed(env, runs, lambda: people[:1].read(count_fields))
    print(f"funnel and workload, {inquiries} inquiries from {first:%Y-%m-%d} to "
          f"{last:%Y-%m-%d}, as the head of sales (median of {runs}):")
    for label, (seconds, queries) in results.items():
        print(f"  {label:36s} {seconds:6.2f} s {queries:5d} queries"
              f"{'  OVER 2 s' if seconds > 2 else ''}")
    env.cr.rollback()


if __name__ == "__main__":
    run_bench(__doc__, bench, sys.argv[1:])
