"""Sales materials for new customers: a customer's first confirmed order
makes him a customer, and he gets the current materials."""

from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _csp_welcome_new_customers(self):
        """Called once the orders are confirmed: their customers who were not
        customers yet become customers today and get the current sales
        materials."""
        customers = self.partner_id.commercial_partner_id.filtered(
            lambda p: not p.csp_customer_since)
        if customers:
            customers.sudo().write({"csp_customer_since": fields.Date.context_today(self)})
            self.env["csp.sales.material"]._csp_welcome(customers)
