"""Benchmark of the managers' dashboard (issue 19: the process card drives
the system, part 5).

    bench_dashboard.py -c CONF -d DB [--runs 3]

On a database made by the data generator, as the head of sales (a process
manager, through his record rules): each pivot of the dashboard
(Dashboards → Customer Service → Process Targets) asked as the spreadsheet
asks it, `formatted_read_grouping_sets` with every grouping set of its rows
and columns, with the default of its global filters (the Month filter:
this month), and the four together (what opening the dashboard costs).
Median of the runs, with the query count.  Target: the dashboard's data at
most 2 s.  Nothing is committed.
"""

import datetime
import json
import sys

from bench_kpi import head_of_sales, timed  # scripts/ is on sys.path
from odoo_db import run_bench


def grouping_sets(pivot):
    """The grouping sets the spreadsheet's pivot asks: each prefix of its
    rows with each prefix of its columns."""
    def names(dimensions):
        return [d["fieldName"] + (f":{d['granularity']}" if d.get("granularity") else "")
                for d in dimensions]
    rows, cols = names(pivot["rows"]), names(pivot["columns"])
    return [rows[:i] + cols[:j] for i in range(len(rows) + 1) for j in range(len(cols) + 1)]


def filter_domain(snapshot, pivot, today):
    """The pivot's domain with its global filters' defaults (the Month one)."""
    domain = list(pivot["domain"])
    for global_filter in snapshot["globalFilters"]:
        matching = pivot["fieldMatching"].get(global_filter["id"])
        if matching and global_filter.get("defaultValue") == "this_month":
            start = today.replace(day=1)
            end = (start + datetime.timedelta(days=32)).replace(day=1)
            domain += [(matching["chain"], ">=", start), (matching["chain"], "<", end)]
    return domain


def bench(env, runs):
    head = head_of_sales(env)
    dashboard = env.ref("customer_service_process.dashboard_process_targets")
    snapshot = json.loads(dashboard.spreadsheet_data)
    Figures = env(user=head)["csp.process.figure"]
    today = datetime.date.today()

    def ask(pivot):
        return Figures.formatted_read_grouping_sets(
            filter_domain(snapshot, pivot, today), grouping_sets(pivot),
            [measure["id"] for measure in pivot["measures"]])

    results = {}
    for pivot in snapshot["pivots"].values():
        results[f"pivot {pivot['id']}: {pivot['name']}"] = timed(
            env, runs, lambda pivot=pivot: ask(pivot))
    results["the dashboard's four pivots"] = timed(
        env, runs, lambda: [ask(pivot) for pivot in snapshot["pivots"].values()])
    env.cr.execute("SELECT count(*) FROM sale_order WHERE state = 'sale'")
    [orders] = env.cr.fetchone()
    print(f"managers' dashboard, {orders} confirmed orders, as the head of sales "
          f"(median of {runs}):")
    for label, (seconds, queries) in results.items():
        print(f"  {label:44s} {seconds:6.2f} s {queries:5d} queries"
              f"{'  OVER 2 s' if seconds > 2 else ''}")
    env.cr.rollback()


if __name__ == "__main__":
    run_bench(__doc__, bench, sys.argv[1:])
