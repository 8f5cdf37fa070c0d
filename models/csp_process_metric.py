from collections import defaultdict

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError


class CspProcessMetric(models.Model):
    """A measure of a process with its target, e.g. 'time to answer on
    feasibility ≤ 8 working hours'.  The card's target is every company's
    until a company has a target row of its own (`target_ids`); each code is
    measured on one card only, so that a target lives in one place."""

    _name = "csp.process.metric"
    _inherit = ["csp.process.cache"]
    _description = "Process Metric"
    _order = "process_id, sequence, id"

    process_id = fields.Many2one("csp.process", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    # Not copied: a duplicated card is a draft that measures nothing yet
    # (one code, one card).
    code = fields.Char(copy=False,
                       help="Key of the metric in the management report, the SLA timers "
                            "and the dashboard.")
    comparison = fields.Selection(
        [("max", "At most"), ("min", "At least"), ("equal", "Exactly")],
        required=True, default="max")
    target = fields.Float(required=True, default=0.0,
                          help="Every company's target, unless it has its own below.")
    unit = fields.Char(required=True, translate=True,
                       help="Unit of the target: working hours, working days, %, count …")
    period = fields.Selection(
        [("order", "Per order"), ("month", "Per month"), ("year", "Per year")], default="order")
    description = fields.Text(translate=True, help="How the metric is computed.")
    target_ids = fields.One2many("csp.process.target", "metric_id", string="Company Targets")
    company_target_text = fields.Char(
        string="This Company's Target", compute="_compute_company_target_text",
        help="The target that applies today in the current company.")

    @api.constrains("unit", "target", "comparison")
    def _check_target(self):
        for metric in self:
            if not (metric.unit or "").strip():
                raise ValidationError(self.env._(
                    "The metric %(metric)s needs the unit of its target.", metric=metric.name))
            metric._csp_check_target_value(metric.target)

    def _csp_check_target_value(self, value):
        self.ensure_one()
        if value < 0 and self.comparison == "max":
            raise ValidationError(self.env._(
                "The metric %(metric)s cannot aim at most at a negative target.",
                metric=self.name))

    @api.constrains("code", "process_id")
    def _check_code_once(self):
        """One code, one card: two cards measuring the same thing would hold
        two targets that drift apart."""
        for metric in self.filtered("code"):
            company = metric.process_id.company_id
            domain = [("code", "=", metric.code), ("id", "!=", metric.id),
                      ("process_id.active", "=", True)]
            if company:
                domain.append(("process_id.company_id", "in", [False, company.id]))
            twins = self.sudo().search(domain)
            if twins:
                raise ValidationError(self.env._(
                    "%(code)s is measured on the card %(card)s already: a target lives on "
                    "one card only.", code=metric.code, card=twins[0].process_id.name))

    @api.depends_context("company")
    @api.depends("target", "target_ids.target", "target_ids.date_from", "unit")
    def _compute_company_target_text(self):
        today = fields.Date.context_today(self)
        for metric in self:
            value = metric._csp_target_getter_of(metric)(self.env.company, today)
            metric.company_target_text = f"{value:g} {metric.unit or ''}".strip()

    # ------------------------------------------------------------ reading

    @api.model
    def _csp_find(self, code, company):
        """The metric measured as `code` for `company`: its own card's, else
        the shared card's."""
        metrics = self.sudo().search([
            ("code", "=", code), ("process_id.active", "=", True),
            ("process_id.company_id", "in", [False, company.id]),
        ])
        return (metrics.filtered(lambda m: m.process_id.company_id)
                or metrics)[:1].with_env(self.env)

    @api.model
    def _csp_target_getter(self, code):
        """A function (company, date) → the target of `code` for that company
        on that date, or None when no card measures it.  Read from the
        cards' cache: no query once warm, whatever the number of records."""
        return self._csp_getter(*self._csp_target_table(code))

    @api.model
    @tools.ormcache("code")
    def _csp_target_table(self, code):
        """The targets of `code` as plain values, cached until a card, metric
        or target changes: ({card's company id or False: the card's target},
        {company id: ((valid from, target), …) latest first})."""
        metrics = self.sudo().search([("code", "=", code), ("process_id.active", "=", True)])
        return self._csp_target_values(metrics)

    @api.model
    def _csp_target_getter_of(self, metrics):
        return self._csp_getter(*self._csp_target_values(metrics))

    @api.model
    def _csp_target_values(self, metrics):
        metrics = metrics.sudo()
        defaults = {m.process_id.company_id.id: m.target for m in metrics}
        rows = defaultdict(list)
        for row in self.env["csp.process.target"].sudo().search_fetch(
                [("metric_id", "in", metrics.ids)], ["company_id", "date_from", "target"],
                order="date_from desc nulls last, id desc"):
            rows[row.company_id.id].append((row.date_from, row.target))
        return defaults, {company_id: tuple(values) for company_id, values in rows.items()}

    @staticmethod
    def _csp_getter(defaults, rows):
        def target(company, day=None):
            for date_from, value in rows.get(company.id, ()):
                if not date_from or not day or date_from <= day:
                    return value
            if company.id in defaults:
                return defaults[company.id]
            return defaults.get(False)
        return target

    def _csp_is_met(self, value, target):
        """Whether `value` meets `target` the way this metric compares;
        None when either is missing."""
        self.ensure_one()
        if value is None or target is None:
            return None
        if self.comparison == "min":
            return value >= target
        if self.comparison == "equal":
            return abs(value - target) < 1e-6
        return value <= target
