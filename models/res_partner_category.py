from odoo import fields, models


class ResPartnerCategory(models.Model):
    _inherit = "res.partner.category"

    csp_no_dunning = fields.Boolean(
        string="No Dunning", help="Customers with this tag are never sent dunning reminders.")
