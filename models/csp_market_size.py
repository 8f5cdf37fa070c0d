from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CspMarketSize(models.Model):
    """The size of the company's market over a period, as a manager
    estimates it: the management report's market share is the company's
    sales of a period against it (source document 000)."""

    _name = "csp.market.size"
    _description = "Market Size"
    _order = "company_id, date_from desc"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)
    amount = fields.Monetary(string="Market Size", required=True, currency_field="currency_id",
                             help="All sales of the company's market over the period, in "
                                  "the company's currency.")
    source = fields.Char(help="Where the estimate comes from (a study, an association …).")

    @api.constrains("amount", "date_from", "date_to", "company_id")
    def _check_market_size(self):
        for size in self:
            if size.amount <= 0:
                raise ValidationError(self.env._(
                    "A market size is above 0: the market share is the sales against it."))
            if size.date_to < size.date_from:
                raise ValidationError(self.env._(
                    "The market size's period ends before it starts."))
            if self.search_count([("id", "!=", size.id), ("company_id", "=", size.company_id.id),
                                  ("date_from", "<=", size.date_to),
                                  ("date_to", ">=", size.date_from)]):
                raise ValidationError(self.env._(
                    "%(company)s has a market size overlapping %(start)s to %(end)s already.",
                    company=size.company_id.name, start=size.date_from, end=size.date_to))

    @api.model
    def _csp_market_for(self, company, date_from, date_to):
        """The market of `company` from `date_from` to `date_to`, from the
        sizes entered, each counted for the days it shares with the period;
        None when some day of the period has no size."""
        sizes = self.sudo().search([("company_id", "=", company.id),
                                    ("date_from", "<=", date_to), ("date_to", ">=", date_from)])
        covered, market = 0, 0.0
        for size in sizes:
            start, end = max(size.date_from, date_from), min(size.date_to, date_to)
            days = (end - start).days + 1
            covered += days
            market += size.amount * days / ((size.date_to - size.date_from).days + 1)
        return market if covered == (date_to - date_from).days + 1 else None
