from odoo import api, fields, models


class CspProcessRole(models.Model):
    """A role of the responsibility matrix (source document 003): head of
    sales, office manager, sales manager / rep, planning, warehouse,
    accountant.  Who holds it: the person responsible for the record itself
    (its salesperson), or the people named for it in each company."""

    _name = "csp.process.role"
    _inherit = ["csp.process.cache"]
    _description = "Process Role"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    group_id = fields.Many2one("res.groups", string="Odoo Group",
                               help="The user group that holds this role in Odoo.")
    assign_to = fields.Selection(
        [("record", "The record's own responsible (its salesperson)"),
         ("members", "The people named below, per company")],
        string="Held By", required=True, default="members",
        help="Who receives the work of the steps this role is responsible for.")
    member_ids = fields.One2many("csp.process.role.member", "role_id", string="Held in Companies")
    holder_text = fields.Char(string="Held in This Company By", compute="_compute_holder_text")
    active = fields.Boolean(default=True)

    @api.depends_context("company")
    @api.depends("assign_to", "member_ids.user_id", "member_ids.company_id")
    def _compute_holder_text(self):
        company = self.env.company
        holders = self.sudo()._csp_holders(company)
        for role in self:
            if role.assign_to == "record":
                role.holder_text = self.env._("Each record's salesperson")
            else:
                holder = holders.get((role.id, company.id))
                role.holder_text = holder.name if holder else self.env._("Nobody")

    def _csp_holders(self, companies):
        """{(role id, company id): the first active member} for these roles."""
        holders = {}
        for member in self.member_ids.sorted(lambda m: (m.sequence, m.id)):
            key = (member.role_id.id, member.company_id.id)
            if key not in holders and member.user_id.active and member.company_id in companies:
                holders[key] = member.user_id
        return holders

    @api.model
    def _csp_holder(self, xmlid, company):
        """The person holding the role `xmlid` in `company`, or an empty
        recordset (the company settings' Head of Sales and Office Manager)."""
        role = self.env.ref(xmlid, raise_if_not_found=False)
        if not role:
            return self.env["res.users"]
        return role.sudo()._csp_holders(company).get((role.id, company.id),
                                                     self.env["res.users"])

    @api.model
    def _csp_set_holder(self, xmlid, company, user):
        """`user` holds the role `xmlid` in `company` from now on (the
        company settings write through this)."""
        role = self.env.ref(xmlid).sudo()
        members = role.member_ids.filtered(lambda m: m.company_id == company)
        if not user:
            members.unlink()
        elif members:
            members[0].user_id = user
            (members - members[0]).unlink()
        else:
            self.env["csp.process.role.member"].sudo().create(
                {"role_id": role.id, "company_id": company.id, "user_id": user.id})
