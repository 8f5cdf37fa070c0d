import hashlib

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import format_amount

STATEMENT_REPORT = "customer_service_process.action_report_customer_statement"

ACCOUNTANT = "account.group_account_invoice"
FIELD_REP = "customer_service_process.group_field_rep"


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "csp.process.owned"]
    # Set by the customer's first confirmed order.
    _csp_process_fields = frozenset({"csp_customer_since"})
    # Pausing a customer's dunning is the accountants' decision.
    _csp_field_write_groups = {"csp_no_dunning_until": ACCOUNTANT}

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

    csp_no_dunning_until = fields.Date(
        string="No Dunning Until", tracking=True,
        help="Dunning leaves this customer alone until this date.")
    csp_dunning_level_id = fields.Many2one(
        "csp.dunning.level", string="Dunning Level", compute="_compute_csp_dunning_level_id",
        help="The highest level reached by the customer's open invoices.")
    csp_survey_opt_out = fields.Boolean(
        string="No Satisfaction Surveys", help="The customer asked not to receive surveys.")
    csp_feedback_order_ids = fields.One2many(
        "sale.order", "partner_id", string="Answered Surveys",
        domain=[("csp_feedback_at", "!=", False)])

    def _compute_csp_dunning_level_id(self):
        levels = self._csp_dunning_levels(self.commercial_partner_id)
        for partner in self:
            partner.csp_dunning_level_id = levels.get(partner.commercial_partner_id.id, False)

    @api.model
    def _csp_dunning_levels(self, partners, company=None):
        """{commercial partner id: the highest dunning level of his open invoices},
        in one grouped query."""
        if not partners:
            return {}
        domain = [("commercial_partner_id", "in", partners.ids),
                  ("move_type", "=", "out_invoice"), ("state", "=", "posted"),
                  ("payment_state", "in", ("not_paid", "partial")),
                  ("csp_dunning_level_id", "!=", False)]
        if company:
            domain.append(("company_id", "=", company.id))
        rows = self.env["account.move"].sudo()._read_group(
            domain, ["commercial_partner_id", "csp_dunning_level_id"], [])
        result = {}
        for partner, level in rows:
            best = result.get(partner.id)
            if not best or level.days > best.days:
                result[partner.id] = level
        return result

    @api.model_create_multi
    def create(self, vals_list):
        # A customer created by a field rep is his: he becomes its salesperson,
        # and he gives none to another salesperson.
        if not self.env.su and self.env.user.has_group(FIELD_REP):
            for vals in vals_list:
                if vals.get("user_id") and vals["user_id"] != self.env.uid:
                    raise AccessError(self.env._(
                        "A field representative's customers are his own: head office "
                        "assigns customers to salespeople."))
                if not vals.get("parent_id") and not vals.get("user_id"):
                    vals["user_id"] = self.env.uid
        partners = super().create(vals_list)
        partners._csp_check_no_dunning_tags({})
        return partners

    def write(self, vals):
        if (vals and set(vals) <= {"csp_no_dunning_until"} and not self.env.su
                and self.env.user.has_group(ACCOUNTANT)
                and not self.env["res.partner"].has_access("write")):
            # Accountants pause a customer's dunning without managing contacts.
            self.check_access("read")
            return super(ResPartner, self.sudo()).write(vals)
        if not self.env.su and "user_id" in vals and self.env.user.has_group(FIELD_REP) \
                and any(partner.user_id.id != (vals["user_id"] or False) for partner in self):
            raise AccessError(self.env._(
                "Only head office assigns customers to salespeople."))
        before = {p.id: p.category_id._csp_no_dunning_tags() for p in self} \
            if "category_id" in vals else None
        result = super().write(vals)
        if before is not None:
            self._csp_check_no_dunning_tags(before)
        return result

    def _csp_check_no_dunning_tags(self, before):
        """Tagging a customer *No Dunning* (or untagging him) pauses his dunning:
        the accountants' decision, like the pause itself."""
        if self.env.su or self.env.user.has_group(ACCOUNTANT):
            return
        for partner in self:
            old = before.get(partner.id, self.env["res.partner.category"])
            if partner.sudo().category_id._csp_no_dunning_tags() != old:
                raise AccessError(self.env._(
                    "Only accountants tag customers with a No Dunning tag (%(customer)s).",
                    customer=partner.display_name))

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
        """Why each customer may not place new orders, as {partner: [reason, ...]}:
        a dunning level that blocks new orders."""
        levels = self._csp_dunning_levels(partners, company)
        return {
            partner: [self.env._("%(customer)s is at dunning level %(level)s, which blocks "
                                 "new orders.", customer=partner.name, level=level.name)]
            for partner in partners
            if (level := levels.get(partner.id)) and level.blocks_orders
        }

    # ------------------------------------------------------------ statement

    def _csp_statement_pdf(self):
        """The customer's statement as a PDF attachment, rendered once per
        content: the same open items on the same day in the same language
        are served from the kept file (a customer who opens it again does
        not make a worker render it again).  Superuser: the caller decided
        whose statement it is."""
        self.ensure_one()
        partner = self.commercial_partner_id.sudo()
        items = partner._csp_statement_items()
        today = fields.Date.context_today(partner)
        # The key is what the statement shows, not write_date: the portal
        # writes an invoice's access token when a customer opens it, which
        # changes nothing printed but would make every visit render anew.
        key = hashlib.sha256(repr((
            partner.id, str(today), partner.lang or "", partner.name,
            partner._display_address(),
            [(m.id, m.name, str(m.invoice_date), str(m.invoice_date_due), m.move_type,
              m.currency_id.id, m.amount_residual) for m in items["moves"]],
        )).encode()).hexdigest()[:32]
        name = f"csp-statement-{key}.pdf"
        Attachment = self.env["ir.attachment"].sudo()
        kept = Attachment.search([("res_model", "=", "res.partner"),
                                  ("res_id", "=", partner.id), ("name", "=", name)], limit=1)
        if kept:
            return kept
        report = self.env.ref(STATEMENT_REPORT).sudo()
        pdf, _kind = report._render_qweb_pdf(report.report_name, partner.ids)
        # Only the latest statement of a customer is kept.
        Attachment.search([("res_model", "=", "res.partner"), ("res_id", "=", partner.id),
                           ("name", "=like", "csp-statement-%.pdf")]).unlink()
        return Attachment.create({
            "name": name, "raw": pdf, "mimetype": "application/pdf",
            "res_model": "res.partner", "res_id": partner.id,
        })

    def _csp_statement_items(self):
        """The customer's open items and their ages, for his statement."""
        self.ensure_one()
        commercial = self.commercial_partner_id
        moves = self.env["account.move"].sudo().search([
            ("commercial_partner_id", "=", commercial.id),
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("state", "=", "posted"), ("payment_state", "in", ("not_paid", "partial")),
            ("company_id", "in", self.env.companies.ids),
        ], order="invoice_date_due, id")
        today = fields.Date.context_today(self)
        late = {m.id: max((today - (m.invoice_date_due or today)).days, 0) for m in moves}
        buckets = [self.env._("Currency"), self.env._("Not due"), "1-30", "31-60", "61-90",
                   self.env._("Over 90"), self.env._("Total")]
        sums = {}
        for move in moves:
            days = late[move.id]
            index = 0 if days <= 0 else 1 if days <= 30 else 2 if days <= 60 else \
                3 if days <= 90 else 4
            row = sums.setdefault(move.currency_id, [0.0] * 6)
            amount = move.amount_residual * (-1 if move.move_type == "out_refund" else 1)
            row[index] += amount
            row[5] += amount
        aging = [[currency.name] + [format_amount(self.env, value, currency) for value in row]
                 for currency, row in sums.items()]
        return {"moves": moves, "late": late, "buckets": buckets, "aging": aging}
