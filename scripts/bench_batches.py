"""Benchmark of the cron jobs that touch many orders at once (issue:
production-sized): survey invitations and SLA breach activities.

    bench_batches.py -c CONF -d DB [--orders 10000] [--jobs survey_invite,sla_breach]

On a database that may be changed (scripts/bench.sh gives a copy of the
generated data: it commits), makes N confirmed orders due for the job — for
`survey_invite` delivered a month ago and never invited, for `sla_breach`
past their fulfilment deadline with no breach activity yet — by writing
those columns directly (the benchmark measures the job, not how the orders
came to be due), then does what the cron workers do: `_csp_batch_run(job)`
until nothing is left, each batch committed.  Reports the wall time, the
orders per second, the queries per order (a small run of N/10 first: the
queries per order must not grow with N), the mails and activities made,
and the peak RSS.
"""

import argparse
import resource
import sys
import time

from odoo_db import boot  # scripts/ is on sys.path: the script's own folder


def make_due(env, job, count):
    """The ids of `count` confirmed orders, made due for `job`."""
    cr = env.cr
    cr.execute("""
        SELECT id FROM sale_order
         WHERE state = 'sale' AND csp_survey_sent_at IS NULL AND csp_sla_alerted_kind IS NULL
         ORDER BY id LIMIT %s
    """, [count])
    ids = [row[0] for row in cr.fetchall()]
    if job == "survey_invite":
        cr.execute("""
            UPDATE sale_order SET csp_delivered_at = now() at time zone 'UTC' - interval '30 days',
                   csp_survey_error = NULL
             WHERE id = ANY(%s)
        """, [ids])
    else:
        cr.execute("""
            UPDATE sale_order SET csp_sla_kind = 'fulfilment',
                   csp_sla_deadline = now() at time zone 'UTC' - interval '1 day'
             WHERE id = ANY(%s)
        """, [ids])
    cr.commit()
    env.invalidate_all()
    return ids


def counts(env):
    env.cr.execute("SELECT (SELECT count(*) FROM mail_mail), (SELECT count(*) FROM mail_activity)")
    return env.cr.fetchone()


def run_job(env, job, count):
    Order = env["sale.order"]
    ids = make_due(env, job, count)
    due = Order.search_count([*Order._csp_batch_domain(job), ("id", "in", ids)])
    mails, activities = counts(env)
    before = env.cr.sql_log_count
    started = time.perf_counter()
    while Order.search_count(Order._csp_batch_domain(job)):
        Order._csp_batch_run(job)  # what a cron worker runs
        env.cr.commit()
    spent = time.perf_counter() - started
    queries = env.cr.sql_log_count - before
    new_mails, new_activities = counts(env)
    return due, spent, queries, new_mails - mails, new_activities - activities


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--orders", type=int, default=10000)
    parser.add_argument("--jobs", default="survey_invite,sla_breach")
    args = parser.parse_args(argv)
    odoo, registry = boot(args.config, args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        for job in args.jobs.split(","):
            small = run_job(env, job, max(args.orders // 10, 1))
            due, spent, queries, mails, activities = run_job(env, job, args.orders)
            print(f"{job}: {due} orders due, done in {spent:.1f} s "
                  f"({due / spent:.0f} orders/s), {queries / max(due, 1):.1f} queries an "
                  f"order ({small[2] / max(small[0], 1):.1f} for {small[0]} orders), "
                  f"{mails} mails and {activities} activities made")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"peak RSS of this process: {peak} MB")


if __name__ == "__main__":
    main(sys.argv[1:])
