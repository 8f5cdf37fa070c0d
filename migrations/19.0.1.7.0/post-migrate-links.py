"""19.0.1.7.0: personal links reach only their recipient.

- Stored link tokens become their sha256 digests (the links already sent keep
  working: the digest of their token is what the code now compares).
- The approval request goes to the approver only (the template is noupdate:
  Odoo's default recipients would be the order's customer), and the delivery
  mails to their delivery address only.
- Mails already queued or logged on a record's thread with a personal link
  (approval, delivery confirmation, survey) are taken off the thread and off
  the user who triggered them, so that only their recipients keep them.
- Approval links may have gone to the customer: every pending check gets a
  new link, sent to its approver only; the old links stop working and the
  approval mails still queued are dropped.
"""

from odoo import SUPERUSER_ID, api
from odoo.addons.customer_service_process.models.csp_link import new_token, send_private_mail
from odoo.tools import SQL

# (table, column) of the stored tokens.
TOKENS = [
    ("csp_feasibility_check", "access_token"),
    ("stock_picking", "csp_access_token"),
    ("csp_sales_material_send", "access_token"),
]
TEMPLATES = [
    "customer_service_process.mail_template_feasibility_request",
    "customer_service_process.mail_template_dispatch_notice",
    "customer_service_process.mail_template_delivery_reminder",
]
# Thread messages that carry a personal link.
LINKS = [
    ("csp.feasibility.check", "%/csp/feasibility/%"),
    ("stock.picking", "%/csp/delivery/%"),
    ("sale.order", "%/survey/start/%answer_token=%"),
]


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env.flush_all()
    for table, column in TOKENS:
        # Already a digest (64 hex characters): a raw token never is one.
        cr.execute(SQL(
            """UPDATE %(table)s
                  SET %(column)s = encode(sha256(convert_to(%(column)s, 'UTF8')), 'hex')
                WHERE %(column)s IS NOT NULL AND %(column)s !~ '^[0-9a-f]{64}$'""",
            table=SQL.identifier(table), column=SQL.identifier(column)))
    env.invalidate_all()
    for xmlid in TEMPLATES:
        template = env.ref(xmlid, raise_if_not_found=False)
        if template:
            template.use_default_to = False
    # Approval mails not sent yet may be addressed to the customer.
    env["mail.mail"].search([
        ("model", "=", "csp.feasibility.check"), ("state", "=", "outgoing")]).unlink()
    env.flush_all()
    for model, pattern in LINKS:
        cr.execute("""
            UPDATE mail_message
               SET model = NULL, res_id = NULL, author_id = NULL, create_uid = %s
             WHERE model = %s AND message_type != 'comment' AND body::text LIKE %s
         RETURNING id
        """, [SUPERUSER_ID, model, pattern])
        detached = [row[0] for row in cr.fetchall()]
        if detached and model == "csp.feasibility.check":
            # Their recipients may be the customers: the links die below anyway.
            cr.execute("DELETE FROM mail_message_res_partner_rel WHERE mail_message_id = ANY(%s)",
                       [detached])
    env.invalidate_all()
    template = env.ref(TEMPLATES[0], raise_if_not_found=False)
    pending = env["csp.feasibility.check"].search([
        ("state", "=", "pending"), ("approver_id", "!=", False)])
    for check in pending:
        token, digest = new_token()
        check.write({"access_token": digest})
        send_private_mail(template, check, check.approver_id.partner_id,
                          link=f"{check.get_base_url()}/csp/feasibility/{check.id}/{token}")
