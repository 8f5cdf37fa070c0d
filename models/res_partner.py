from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    csp_source_id = fields.Many2one(
        "utm.source", string="Heard of Us Through",
        help="How the customer heard of the company, asked on first contact "
             "(source document 003).")
    csp_customer_since = fields.Date(
        string="Customer Since", copy=False, readonly=True,
        help="Date of the customer's first confirmed order: the base of the "
             "new-customers metric.")
    # The salesperson of the commercial entity, stored and indexed: field reps'
    # record rules filter on it for every partner, contact or company.
    csp_commercial_user_id = fields.Many2one(
        "res.users", related="commercial_partner_id.user_id", store=True, index=True,
        string="Account Manager")

    csp_survey_opt_out = fields.Boolean(
        string="No Satisfaction Surveys", help="The customer asked not to receive surveys.")
    csp_feedback_order_ids = fields.One2many(
        "sale.order", "partner_id", string="Answered Surveys",
        domain=[("csp_feedback_at", "!=", False)])

    @api.model_create_multi
    def create(self, vals_list):
        # A customer created by a field rep is his: he becomes its salesperson.
        if self.env.user.has_group("customer_service_process.group_field_rep"):
            for vals in vals_list:
                if not vals.get("parent_id") and not vals.get("user_id"):
                    vals["user_id"] = self.env.uid
        return super().create(vals_list)

    # ------------------------------------------------ the feasibility check

    @api.model
    def _csp_overdue_amounts(self, partners, company):
        """Overdue receivables of each commercial partner in `company`, in the
        company's currency, from one grouped query."""
        if not partners:
            return {}
        rows = self.env["account.move.line"].sudo()._read_group(
            [
                ("company_id", "=", company.id),
                ("partner_id", "child_of", partners.ids),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("date_maturity", "<", fields.Date.context_today(self)),
            ],
            ["partner_id"], ["amount_residual:sum"])
        amounts = dict.fromkeys(partners, 0.0)
        for partner, residual in rows:
            commercial = partner.commercial_partner_id
            if commercial in amounts:
                amounts[commercial] += residual
        return amounts

    @api.model
    def _csp_blocking_reasons(self, partners, company):
        """Hook: why each customer may not place new orders (e.g. a dunning
        level that blocks them), as {partner: [reason, ...]}."""
        return {}
