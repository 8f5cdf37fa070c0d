from odoo import api, fields, models
from odoo.exceptions import ValidationError

# A letter template must show the customer his invoices.
INVOICE_TABLE_MARKER = "_csp_invoice_table"


class CspDunningLevel(models.Model):
    """A step of a company's dunning schedule (subprocess f): how many days
    after the due date it is reached, how the customer is told, what it costs
    him, and whether he may still order."""

    _name = "csp.dunning.level"
    _description = "Dunning Level"
    _order = "company_id, sequence, days, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True)
    days = fields.Integer(
        string="Days after Due Date", required=True,
        help="Reached this many days after the invoice's due date (negative: before it).")
    channel = fields.Selection(
        [("email", "E-mail with the letter"), ("letter", "Printed letter"),
         ("phone", "Phone call")], required=True, default="email")
    mail_template_id = fields.Many2one(
        "mail.template", string="E-mail", domain=[("model", "=", "csp.dunning.letter")],
        default=lambda self: self.env.ref(
            "customer_service_process.mail_template_dunning_letter", raise_if_not_found=False))
    letter_text = fields.Html(
        translate=True,
        help="The text of the letter above the table of overdue invoices.")
    fee_type = fields.Selection(
        [("none", "No fee"), ("fixed", "Fixed amount"), ("percent", "Percentage")],
        string="Fee", required=True, default="none")
    fee_amount = fields.Float(digits="Account")
    blocks_orders = fields.Boolean(
        string="Blocks New Orders",
        help="A customer at this level fails the feasibility check's customer check.")
    active = fields.Boolean(default=True)

    _fee_positive = models.Constraint(
        "CHECK (fee_amount >= 0)", "A dunning fee cannot be negative.")

    @api.constrains("days", "sequence", "company_id", "active")
    def _check_days_increase(self):
        """Each level comes later than the one before it."""
        for company in self.company_id:
            levels = self.search([("company_id", "=", company.id)])
            days = levels.mapped("days")
            if len(days) != len(set(days)):
                raise ValidationError(self.env._(
                    "Two dunning levels of %(company)s fall on the same day.",
                    company=company.name))
            if days != sorted(days):
                raise ValidationError(self.env._(
                    "The dunning levels of %(company)s must come in order of their days "
                    "after the due date.", company=company.name))

    @api.constrains("fee_type", "fee_amount")
    def _check_fee(self):
        for level in self:
            if level.fee_type != "none" and level.fee_amount <= 0:
                raise ValidationError(self.env._(
                    "%(level)s: give the fee's amount, or choose no fee.", level=level.name))
            if level.fee_type == "percent" and level.fee_amount > 100:
                raise ValidationError(self.env._(
                    "%(level)s: a fee percentage is at most 100.", level=level.name))

    @api.constrains("mail_template_id")
    def _check_template_shows_invoices(self):
        for level in self.filtered("mail_template_id"):
            if INVOICE_TABLE_MARKER not in (level.mail_template_id.body_html or ""):
                raise ValidationError(self.env._(
                    "The e-mail of %(level)s must show the table of invoices "
                    "(object._csp_invoice_table()).", level=level.name))

    def _csp_fee(self, residual, currency=None, date=None):
        """The fee this level charges on an invoice with `residual` open (in
        the invoice's `currency`: a fixed fee is set in the company's)."""
        self.ensure_one()
        if self.fee_type == "fixed":
            company_currency = self.company_id.currency_id
            if currency and currency != company_currency:
                return company_currency._convert(
                    self.fee_amount, currency, self.company_id,
                    date or fields.Date.context_today(self))
            return self.fee_amount
        if self.fee_type == "percent":
            return round(residual * self.fee_amount / 100.0, 2)
        return 0.0

    @api.model
    def _csp_create_defaults(self, companies=None):
        """The default schedule for companies that have none."""
        companies = companies or self.env["res.company"].sudo().search([], limit=None)
        have = set(self.sudo().with_context(active_test=False).search(
            [("company_id", "in", companies.ids)]).company_id.ids)
        names = self.with_context(lang="en_US")._csp_default_names()
        defaults = [(3, "email", False), (15, "email", False), (30, "letter", False),
                    (45, "phone", True)]
        levels = self.sudo().with_context(lang="en_US").create([{
            "company_id": company.id, "days": days, "name": names[days], "channel": channel,
            "blocks_orders": blocks, "sequence": days,
        } for company in companies if company.id not in have
            for days, channel, blocks in defaults])
        if levels:
            levels._csp_translate_defaults(
                [code for code, _name in self.env["res.lang"].get_installed()])
        return levels

    @api.model
    def _csp_default_names(self):
        """{days: name} of the default levels, in the environment's language."""
        return {
            3: self.env._("Friendly reminder"),
            15: self.env._("Second reminder"),
            30: self.env._("Final notice"),
            45: self.env._("Credit hold"),
        }

    def _csp_translate_defaults(self, langs):
        """The default levels among these (all when empty) that still bear
        their English name get it in each of `langs`: a letter names its
        level in the customer's language.  A name the company changed is
        its own and left alone."""
        levels = self or self.sudo().with_context(active_test=False).search([], limit=None)
        english = self.with_context(lang="en_US")._csp_default_names()
        levels = levels.sudo().with_context(lang="en_US")
        for lang in langs:
            if lang == "en_US":
                continue
            names = self.with_context(lang=lang)._csp_default_names()
            for days, name in english.items():
                todo = levels.filtered(lambda level, name=name: level.name == name)
                if todo and names[days] != name:
                    todo.with_context(lang=lang).write({"name": names[days]})
