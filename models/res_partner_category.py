from odoo import fields, models


class ResPartnerCategory(models.Model):
    _name = "res.partner.category"
    _inherit = ["res.partner.category", "csp.process.owned"]
    # A No Dunning tag pauses dunning for every customer it is on: the
    # accountants decide which tags do.
    _csp_field_write_groups = {"csp_no_dunning": "account.group_account_invoice"}

    csp_no_dunning = fields.Boolean(
        string="No Dunning", help="Customers with this tag are never sent dunning reminders.")

    def _csp_no_dunning_tags(self):
        return self.sudo().filtered("csp_no_dunning")
