from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CspProcessMetric(models.Model):
    """A measure of a process with its target, e.g. 'time to answer on
    feasibility ≤ 8 working hours'."""

    _name = "csp.process.metric"
    _description = "Process Metric"
    _order = "process_id, sequence, id"

    process_id = fields.Many2one("csp.process", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    code = fields.Char(help="Key of the metric in the management report.")
    comparison = fields.Selection(
        [("max", "At most"), ("min", "At least"), ("equal", "Exactly")],
        required=True, default="max")
    target = fields.Float(required=True, default=0.0)
    unit = fields.Char(required=True, translate=True,
                       help="Unit of the target: working hours, working days, %, count …")
    period = fields.Selection(
        [("order", "Per order"), ("month", "Per month"), ("year", "Per year")], default="order")
    description = fields.Text(translate=True, help="How the metric is computed.")

    @api.constrains("unit", "target", "comparison")
    def _check_target(self):
        for metric in self:
            if not (metric.unit or "").strip():
                raise ValidationError(self.env._(
                    "The metric %(metric)s needs the unit of its target.", metric=metric.name))
            if metric.target < 0 and metric.comparison == "max":
                raise ValidationError(self.env._(
                    "The metric %(metric)s cannot aim at most at a negative target.",
                    metric=metric.name))
