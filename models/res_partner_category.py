from odoo import api, fields, models
from odoo.exceptions import AccessError


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

    def _csp_check_no_dunning_change(self):
        """Who is on a No Dunning tag is the accountants' decision too,
        whichever side of the tag the change comes from."""
        if self.env.su or self.env.user.has_group("account.group_account_invoice"):
            return
        if self._csp_no_dunning_tags():
            raise AccessError(self.env._(
                "Only accountants change who is on a No Dunning tag (%(tags)s).",
                tags=", ".join(self._csp_no_dunning_tags().mapped("name"))))

    def write(self, vals):
        if "partner_ids" in vals:
            self._csp_check_no_dunning_change()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_no_dunning(self):
        self._csp_check_no_dunning_change()
