"""Side-by-side benchmark: OCA's account_credit_control on the same data.

    bench_oca_credit_control.py -c CONF -d DB --date YYYY-MM-DD [--runs 3]

On a copy of the dunning benchmark database where OCA's module is installed
(scripts/bench.sh downloads its wheel from PyPI into the cache and installs
it in a database of its own; it is never a dependency of this addon), makes
a policy with the same four levels (3, 15, 30 and 45 days after the due
date) on the company's receivable accounts and times the generation of the
credit control lines of a run for the same date, with its query count.
Nothing is committed.
"""

import argparse
import statistics
import sys
import time


def boot(config, database):
    import odoo  # noqa: PLC0415 (Odoo is imported once the arguments are known)
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", config, "-d", database, "--log-level=warn"])
    odoo.netsvc.init_logger()
    return odoo, Registry(database)


def bench(env, on, runs):
    env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True))
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


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--date", required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    odoo, registry = boot(args.config, args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        bench(env, args.date, args.runs)


if __name__ == "__main__":
    main(sys.argv[1:])
