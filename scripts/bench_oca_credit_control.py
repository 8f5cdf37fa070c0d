"""Side-by-side benchmark: OCA's account_credit_control on the same data.

    bench_oca_credit_control.py -c CONF -d DB --date YYYY-MM-DD [--runs 3]
    bench_oca_credit_control.py -c CONF -d DB --date YYYY-MM-DD --end-to-end [--no-pdf]

On a copy of the dunning benchmark database where OCA's module is installed
(scripts/bench.sh downloads its wheel from PyPI into the cache and installs
it in a database of its own; it is never a dependency of this addon), makes
a policy with the same four levels (3, 15, 30 and 45 days after the due
date) on the company's receivable accounts and times the generation of the
credit control lines of a run for the same date, with its query count.
Nothing is committed.

--end-to-end does OCA's whole flow once, as its user does it: the run
(credit lines), *Mark as To Do* (credit.control.marker) on every line, then
*Send by e-mail* (credit.control.emailer: a communication per customer and
level, its e-mail posted with the level's template).  It stops, like
`bench_dunning.py --end-to-end`, when every e-mail is in the mail queue, and
reports the time of each step, the communications and e-mails made, the
queries per communication and the peak RSS.  OCA renders the customer's PDF
for every e-mail as shipped (the template's report); --no-pdf drops that
report from the template first, to compare like with like (our e-mails carry
no PDF: the customer's statement is on the portal).  --limit N keeps the
lines of the first N customers (for the as-shipped run, which is slow).
Everything happens in one transaction, as in OCA's wizards (one request);
it is committed, so run it on a copy.
"""

import argparse
import statistics
import sys
import time

from odoo_db import boot  # scripts/ is on sys.path: the script's own folder


def make_policy(env):
    """The same four levels as the addon's, on e-mail, as the company's policy."""
    company = env["account.move"].search([("move_type", "=", "out_invoice")], limit=1).company_id
    receivables = env["account.account"].search([
        ("account_type", "=", "asset_receivable"), ("company_ids", "in", company.ids)])
    template = env.ref("account_credit_control.email_template_credit_control_base")
    policy = env["credit.control.policy"].create({
        "name": "Bench policy", "company_id": company.id,
        "account_ids": [(6, 0, receivables.ids)],
        "level_ids": [(0, 0, {
            "name": name, "level": level, "computation_mode": "net_days",
            "delay_days": days, "channel": "email", "email_template_id": template.id,
            "custom_text": name, "custom_mail_text": f"<p>{name}</p>",
        }) for level, (days, name) in enumerate(
            [(3, "Friendly"), (15, "Second"), (30, "Final"), (45, "Hold")], start=1)],
    })
    company.credit_policy_id = policy
    env.flush_all()
    env.cr.commit()  # the policy stays for the runs below; the database is a throw-away copy
    return policy


def bench(env, on, runs):
    env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True))
    policy = make_policy(env)
    timings, queries, lines = [], [], 0
    for _run in range(runs):
        env.invalidate_all()
        run = env["credit.control.run"].create({"date": on, "policy_ids": [(6, 0, policy.ids)]})
        before = env.cr.sql_log_count
        started = time.perf_counter()
        run.generate_credit_lines()
        env.flush_all()
        timings.append(time.perf_counter() - started)
        queries.append(env.cr.sql_log_count - before)
        lines = len(run.line_ids)
        env.cr.rollback()
    print(f"OCA account_credit_control run on {on}: {lines} credit control lines; "
          f"median {statistics.median(timings):.2f} s (min {min(timings):.2f}, "
          f"max {max(timings):.2f}, {runs} runs), {queries[-1]} queries")


def end_to_end(env, on, pdf, limit):
    import resource  # noqa: PLC0415

    policy = make_policy(env)
    template = env.ref("account_credit_control.email_template_credit_control_base")
    if not pdf:
        template.report_template_ids = False
    env.cr.commit()
    steps, started_all = {}, time.perf_counter()
    before = env.cr.sql_log_count
    started = time.perf_counter()
    run = env["credit.control.run"].create({"date": on, "policy_ids": [(6, 0, policy.ids)]})
    run.generate_credit_lines()
    env.flush_all()
    steps["credit lines"] = time.perf_counter() - started
    lines = run.line_ids
    if limit:
        partners = lines.partner_id[:limit]
        lines = lines.filtered(lambda line: line.partner_id in partners)
    started = time.perf_counter()
    context = {"active_model": "credit.control.line", "active_ids": lines.ids}
    marker = env["credit.control.marker"].with_context(**context).create({"name": "to_be_sent"})
    marker.mark_lines()
    env.flush_all()
    steps["marked to do"] = time.perf_counter() - started
    started = time.perf_counter()
    emailer = env["credit.control.emailer"].with_context(**context).create({})
    emailer.email_lines()
    env.flush_all()
    steps["communications and e-mails"] = time.perf_counter() - started
    total = time.perf_counter() - started_all
    queries = env.cr.sql_log_count - before
    env.cr.commit()
    comms = env["credit.control.communication"].search([("credit_control_line_ids", "in",
                                                          lines.ids)])
    mails = env["mail.mail"].search_count([("model", "=", "credit.control.communication"),
                                           ("res_id", "in", comms.ids)])
    messages = env["mail.message"].search([("model", "=", "credit.control.communication"),
                                           ("res_id", "in", comms.ids)])
    attachments = len(messages.attachment_ids.filtered(
        lambda attachment: attachment.mimetype == "application/pdf"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"OCA account_credit_control end to end on {on} ({'with' if pdf else 'without'} "
          f"the PDF per e-mail): {len(lines)} credit lines, {len(comms)} communications, "
          f"{mails} e-mails queued, {attachments} PDFs; {total:.1f} s "
          f"({', '.join(f'{name} {spent:.1f} s' for name, spent in steps.items())}), "
          f"{len(comms) / total:.1f} communications/s, "
          f"{queries / max(len(comms), 1):.1f} queries a communication; "
          f"peak RSS of this process: {peak} MB")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--date", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--end-to-end", action="store_true",
                        help="lines, marked to do, communications and e-mails (commits)")
    parser.add_argument("--no-pdf", action="store_true",
                        help="--end-to-end without OCA's PDF per e-mail")
    parser.add_argument("--limit", type=int, default=0,
                        help="--end-to-end on the lines of the first N customers only")
    args = parser.parse_args(argv)
    odoo, registry = boot(args.config, args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if args.end_to_end:
            end_to_end(env, args.date, not args.no_pdf, args.limit)
        else:
            bench(env, args.date, args.runs)


if __name__ == "__main__":
    main(sys.argv[1:])
