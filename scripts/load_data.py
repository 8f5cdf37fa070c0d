"""The people of `make load` on a copy of a generated database.

    load_data.py -c CONF -d DB --reps 20 --portal 10 --out USERS.json

On a database made by the data generator (customers with confirmed orders
and posted invoices, many overdue), creates, each with the password equal to
its login:

* R field reps ``load_rep_<i>``; the generated customers are dealt out among
  them (the customer's salesperson, and that of his orders, is his rep);
* P portal users ``load_portal_<i>``, each the login of a customer that has
  overdue invoices (his statement has items), with one complaint filed on
  one of his orders (his complaints page has a row);
* a head-office user ``load_headoffice``.

The orders' salesperson is set in SQL (a benchmark shortcut, like the
generator's: the ORM would recompute each order's stage for nothing).
Writes the logins, and for each rep his customers and orders, to --out.
"""

import argparse
import json
import sys

from odoo_db import boot  # scripts/ is on sys.path: the script's own folder


def users(env, prefix, count, group_xmlids, partners=None):
    """`count` users `<prefix><i>` (password = login), made when missing."""
    Users = env["res.users"].with_context(no_reset_password=True, mail_create_nolog=True)
    groups = [env.ref(xmlid).id for xmlid in group_xmlids]
    found = Users.search([("login", "=like", f"{prefix}%")])
    by_login = {user.login: user for user in found}
    made = Users.browse()
    for i in range(count):
        login = f"{prefix}{i}" if count > 1 or prefix.endswith("_") else prefix
        user = by_login.get(login)
        if not user:
            values = {"name": login.replace("_", " ").title(), "login": login,
                      "password": login, "group_ids": [(6, 0, groups)]}
            if partners:
                values["partner_id"] = partners[i].id
            user = Users.create(values)
        made |= user
    return made


def prepare(env, reps_count, portal_count):
    env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True))
    company = env["account.move"].search([("move_type", "=", "out_invoice")], limit=1).company_id
    reps = users(env, "load_rep_", reps_count, ["customer_service_process.group_field_rep"])
    head_office = users(env, "load_headoffice", 1,
                        ["customer_service_process.group_head_office"])
    customers = env["res.partner"].search([("customer_rank", ">", 0), ("is_company", "=", True),
                                           ("company_id", "in", [False, company.id])],
                                          order="id")
    env.cr.execute("""
        SELECT DISTINCT commercial_partner_id FROM account_move
         WHERE move_type = 'out_invoice' AND state = 'posted'
           AND payment_state IN ('not_paid', 'partial') AND invoice_date_due < CURRENT_DATE
    """)
    overdue = {row[0] for row in env.cr.fetchall()}
    with_portal = customers.filtered(lambda p: p.id in overdue and not p.user_ids)
    with_portal = with_portal[:portal_count]
    if len(with_portal) < portal_count:
        sys.exit(f"only {len(with_portal)} customers with overdue invoices and no login")
    portal = users(env, "load_portal_", portal_count, ["base.group_portal"], with_portal)
    # Deal the customers out among the reps: partner and orders.
    per_rep = {rep.id: [] for rep in reps}
    for index, customer in enumerate(customers):
        per_rep[reps[index % len(reps)].id].append(customer.id)
    for rep_id, partner_ids in per_rep.items():
        env.cr.execute("UPDATE res_partner SET user_id = %s WHERE id = ANY(%s)",
                       [rep_id, partner_ids])
        env.cr.execute("UPDATE sale_order SET user_id = %s WHERE partner_id = ANY(%s)",
                       [rep_id, partner_ids])
    env.invalidate_all()
    # One complaint per portal customer, on one of his orders.
    complaint_type = env["csp.complaint.type"].search([], limit=1)
    Complaint = env["csp.complaint"].with_context(mail_create_nolog=True)
    for user in portal:
        partner = user.partner_id
        if Complaint.search_count([("partner_id", "=", partner.id)]):
            continue
        order = env["sale.order"].search([("partner_id", "=", partner.id),
                                          ("state", "=", "sale")], limit=1)
        Complaint.create({"partner_id": partner.id, "type_id": complaint_type.id,
                          "description": "Two pumps arrived with a cracked housing.",
                          "channel": "email", "company_id": company.id,
                          **({"order_id": order.id} if order else {})})
    orders = env["sale.order"].search_read([("user_id", "in", reps.ids)],
                                           ["id", "user_id"], order="id")
    rep_orders = {}
    for row in orders:
        rep_orders.setdefault(row["user_id"][0], []).append(row["id"])
    products = env["product.product"].search([("sale_ok", "=", True)], limit=20).ids
    return {
        "reps": [{"login": rep.login, "customers": per_rep[rep.id][:20],
                  "orders": rep_orders.get(rep.id, [])[:50]} for rep in reps],
        "portal": [{"login": user.login, "partner": user.partner_id.id} for user in portal],
        "head_office": [{"login": user.login} for user in head_office],
        "products": products,
        "company": company.id,
    }


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--portal", type=int, default=10)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    odoo, registry = boot(args.config, args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        people = prepare(env, args.reps, args.portal)
        cr.commit()
    with open(args.out, "w") as file:
        json.dump(people, file, indent=1)
    print(f">> {len(people['reps'])} reps, {len(people['portal'])} portal customers and "
          f"{len(people['head_office'])} head-office user in {args.database}")


if __name__ == "__main__":
    main(sys.argv[1:])
