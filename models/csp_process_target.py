from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CspProcessTarget(models.Model):
    """A company's target for a card's metric, from a date on: the one place
    a target lives.  The SLA timers, the management report, the reminders and
    the company settings read it (`csp.process.metric._csp_target_getter`);
    a company without a row of its own follows the card's target."""

    _name = "csp.process.target"
    _inherit = ["csp.process.cache"]
    _description = "Process Target"
    _order = "metric_id, company_id, date_from desc, id"
    _rec_name = "metric_id"
    _check_company_auto = True

    metric_id = fields.Many2one("csp.process.metric", required=True, ondelete="cascade",
                                index=True)
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.company)
    date_from = fields.Date(
        string="Valid From",
        help="The first day it applies to (an order's received or accepted date, a "
             "report's period); empty: since always.  A later row takes over from its date.")
    target = fields.Float(required=True)
    comparison = fields.Selection(related="metric_id.comparison")
    unit = fields.Char(related="metric_id.unit")
    code = fields.Char(related="metric_id.code")
    process_id = fields.Many2one(related="metric_id.process_id")

    @api.constrains("target", "metric_id", "company_id", "date_from")
    def _check_target(self):
        for row in self:
            row.metric_id._csp_check_target_value(row.target)
            if self.search_count([("id", "!=", row.id), ("metric_id", "=", row.metric_id.id),
                                  ("company_id", "=", row.company_id.id),
                                  ("date_from", "=", row.date_from)]):
                raise ValidationError(self.env._(
                    "%(metric)s has a target for %(company)s from that date already: change "
                    "it instead (a metric has one target per company and starting date).",
                    metric=row.metric_id.name, company=row.company_id.name))

    @api.model
    def _csp_write_current(self, code, company, value):
        """Set `company`'s target of the metric `code` as it applies today:
        the row in force is changed, or the company gets its own row (the
        company settings' fields write through this)."""
        metric = self.env["csp.process.metric"].sudo()._csp_find(code, company)
        if not metric:
            raise ValidationError(self.env._(
                "No process card measures %(code)s: add the metric to a card first.",
                code=code))
        today = fields.Date.context_today(self)
        rows = self.sudo().search([("metric_id", "=", metric.id),
                                   ("company_id", "=", company.id)])
        current = rows.filtered(lambda r: not r.date_from or r.date_from <= today)[:1]
        if current:
            current.target = value
        else:
            self.sudo().create({"metric_id": metric.id, "company_id": company.id,
                                "target": value})
