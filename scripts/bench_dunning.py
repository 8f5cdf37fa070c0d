"""Benchmark of the dunning run (issue: dunning, production-sized).

    bench_dunning.py -c CONF -d DB [--runs 3]
    bench_dunning.py -c CONF -d DB --end-to-end [--print N]

On a database made by the data generator (open invoices of many customers),
picks the run date at which a third of the open customer invoices have
reached the first dunning level, and times the making of the draft run
(the computation, letters, lines and pauses) with its query count, the median
of several runs.  Nothing is committed: the database is left as it was.

--end-to-end (on a database that may be changed: bench.sh gives a copy)
makes the run at the date where letters of every channel are due, presses
Send, and does what the cron workers do — `_csp_batch_run("dunning_send")`
until no letter is queued, each batch committed — then prints up to N
printed letters the same way (`dunning_print`).  It reports the wall time of
each, the letters per channel, the queries per letter and the peak RSS.
"""

import argparse
import statistics
import sys
import time
from datetime import timedelta

from odoo_db import boot  # scripts/ is on sys.path: the script's own folder


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


def end_to_end(env, print_limit, save_pdf=None):
    """Make, send and print a run as the cron workers do; committed."""
    import resource  # noqa: PLC0415

    company = env["account.move"].search([("move_type", "=", "out_invoice")],
                                         limit=1).company_id
    levels = env["csp.dunning.level"].search([("company_id", "=", company.id)])
    # Late enough for every level: the run has letters of every channel.
    open_count, on = run_date(env, company, max(levels.mapped("days")))
    env["ir.config_parameter"].sudo().set_param("mail.mail.queue.batch.size", "1000")
    started = time.perf_counter()
    run = env["csp.dunning.run"]._csp_create_run(company, on)
    env.cr.commit()
    made = time.perf_counter() - started
    channels = {}
    for letter in run.letter_ids:
        channels[letter.channel] = channels.get(letter.channel, 0) + 1
    Letter = env["csp.dunning.letter"]
    before = env.cr.sql_log_count
    started = time.perf_counter()
    run.action_send()
    env.cr.commit()
    while Letter.search_count(Letter._csp_batch_domain("dunning_send")):
        Letter._csp_batch_run("dunning_send")  # what a cron worker runs
        env.cr.commit()
    sent = time.perf_counter() - started
    queries = env.cr.sql_log_count - before
    run.invalidate_recordset()
    letters = len(run.letter_ids)
    states = {}
    for letter in run.letter_ids:
        states[letter.state] = states.get(letter.state, 0) + 1
    print(f"dunning end to end, {company.name} on {on}: {open_count} open invoices, "
          f"{letters} letters {channels}; made in {made:.1f} s, sent in {sent:.1f} s "
          f"({letters / sent:.0f} letters/s, {queries / max(letters, 1):.1f} queries a "
          f"letter), run {run.state}, letters {states}")
    printed = run.letter_ids.filtered(lambda letter: letter.channel == "letter")
    if print_limit and printed:
        started = time.perf_counter()
        run.action_print_letters()
        # Only the first N printed letters: rendering is the cost measured.
        Letter.browse(printed.ids[print_limit:]).sudo().write({"print_state": False})
        env.cr.commit()
        while Letter.search_count(Letter._csp_batch_domain("dunning_print")):
            Letter._csp_batch_run("dunning_print")
            env.cr.commit()
        spent = time.perf_counter() - started
        count = min(print_limit, len(printed))
        run.invalidate_recordset()
        print(f"printed {count} letters in {spent:.1f} s ({count / spent:.2f} letters/s), "
              f"merged PDF {len(run.letters_pdf or b'') * 3 // 4 // 1024} KB")
        if save_pdf and run.letters_pdf:
            import base64  # noqa: PLC0415
            with open(save_pdf, "wb") as file:
                file.write(base64.b64decode(run.with_context(bin_size=False).letters_pdf))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"peak RSS of this process: {peak} MB")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--end-to-end", action="store_true",
                        help="make, send and print a run as the cron workers do (commits)")
    parser.add_argument("--print", type=int, default=100, dest="print_limit",
                        help="printed letters to render in --end-to-end")
    parser.add_argument("--save-pdf", help="write the merged printed letters there")
    parser.add_argument("--print-date", action="store_true",
                        help="only print the run date (for the side-by-side benchmark)")
    parser.add_argument("--print-date-e2e", action="store_true",
                        help="only print the date of --end-to-end (every level due)")
    args = parser.parse_args(argv)
    odoo, registry = boot(args.config, args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if args.end_to_end:
            end_to_end(env, args.print_limit, args.save_pdf)
        elif args.print_date or args.print_date_e2e:
            company = env["account.move"].search(
                [("move_type", "=", "out_invoice")], limit=1).company_id
            days = env["csp.dunning.level"].search(
                [("company_id", "=", company.id)]).mapped("days")
            print(run_date(env, company, max(days) if args.print_date_e2e else min(days))[1])
        else:
            bench(env, args.runs)


if __name__ == "__main__":
    main(sys.argv[1:])
