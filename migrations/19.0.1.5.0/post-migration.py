"""19.0.1.5.0: orders delivered before get their fulfilment time, for the report."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    orders = env["sale.order"].search([
        ("csp_delivered_at", "!=", False), ("csp_accepted_at", "!=", False),
        ("csp_fulfilment_days", "=", False)])
    orders._csp_record_fulfilment()
