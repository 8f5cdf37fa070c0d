"""Benchmark of the dunning run (issue: dunning).

    bench_dunning.py -c CONF -d DB [--runs 3]

On a database made by the data generator (open invoices of many customers),
picks the run date at which a third of the open customer invoices have
reached the first dunning level, and times the making of the draft run
(the computation, letters, lines and pauses) with its query count, the median
of several runs.  Nothing is committed: the database is left as it was.
"""

import argparse
import statistics
import sys
import time
from datetime import timedelta


def boot(config, database):
    import odoo  # noqa: PLC0415 (Odoo is imported once the arguments are known)
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", config, "-d", database, "--log-level=warn"])
    odoo.netsvc.init_logger()
    return odoo, Registry(database)


def run_date(env, company, first_days):
    """The date at which a third of the open invoices are `first_days` late."""
    env.cr.execute("""
        SELECT count(*), percentile_disc(0.3333) WITHIN GROUP (ORDER BY invoice_date_due)
          FROM account_move
         WHERE company_id = %s AND move_type = 'out_invoice' AND state = 'posted'
           AND payment_state IN ('not_paid', 'partial')
    """, (company.id,))
    open_count, due = env.cr.fetchone()
    return open_count, due + timedelta(days=first_days)


def bench(env, runs):
    env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True))
    Move = env["account.move"]
    company = Move.search([("move_type", "=", "out_invoice")], limit=1).company_id
    levels = env["csp.dunning.level"].search([("company_id", "=", company.id)])
    open_count, on = run_date(env, company, min(levels.mapped("days")))
    timings, queries = [], []
    for _run in range(runs):
        env.invalidate_all()
        before = env.cr.sql_log_count
        started = time.perf_counter()
        run = env["csp.dunning.run"]._csp_create_run(company, on)
        env.flush_all()
        timings.append(time.perf_counter() - started)
        queries.append(env.cr.sql_log_count - before)
        letters, lines, skips = len(run.letter_ids), len(run.letter_ids.line_ids), len(run.skip_ids)
        env.cr.rollback()
    print(f"dunning run of {company.name} on {on}: {open_count} open invoices, "
          f"{lines} overdue in {letters} letters, {skips} paused; "
          f"median {statistics.median(timings):.2f} s (min {min(timings):.2f}, "
          f"max {max(timings):.2f}, {runs} runs), {queries[-1]} queries")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--print-date", action="store_true",
                        help="only print the run date (for the side-by-side benchmark)")
    args = parser.parse_args(argv)
    odoo, registry = boot(args.config, args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if args.print_date:
            company = env["account.move"].search(
                [("move_type", "=", "out_invoice")], limit=1).company_id
            levels = env["csp.dunning.level"].search([("company_id", "=", company.id)])
            print(run_date(env, company, min(levels.mapped("days")))[1])
        else:
            bench(env, args.runs)


if __name__ == "__main__":
    main(sys.argv[1:])
