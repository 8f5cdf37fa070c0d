from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CspProcessRoleMember(models.Model):
    """Who holds a role of the responsibility matrix in a company: the work
    of the steps the role is responsible for goes to him."""

    _name = "csp.process.role.member"
    _inherit = ["csp.process.cache"]
    _description = "Process Role Holder"
    _order = "role_id, company_id, sequence, id"
    _check_company_auto = True

    role_id = fields.Many2one("csp.process.role", required=True, ondelete="cascade",
                              index=True)
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.company)
    sequence = fields.Integer(default=10)
    user_id = fields.Many2one("res.users", string="Person", required=True, ondelete="cascade",
                              domain="[('share', '=', False), ('company_ids', 'in', company_id)]")

    @api.constrains("user_id", "company_id")
    def _check_user_in_company(self):
        for member in self:
            if member.company_id not in member.user_id.company_ids or member.user_id.share:
                raise ValidationError(self.env._(
                    "%(user)s does not work for %(company)s: he cannot hold a role there.",
                    user=member.user_id.name, company=member.company_id.name))
