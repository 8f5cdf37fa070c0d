from odoo import api, fields, models
from odoo.tools import SQL

from .csp_cost_guard import COST_VIEWER

KINDS = [
    ("order", "Order"),
    ("stock", "Stock"),
    ("production", "Production"),
    ("profitability", "Profitability"),
    ("customer", "Customer"),
    ("non_standard", "Non-standard Product"),
]
INSERT_COLUMNS = (
    "check_id", "sequence", "kind", "status", "reason", "figures", "cost_figures", "order_line_id",
    "product_id", "ordered_qty", "free_qty", "forecast_qty", "earliest_date", "unit_cost",
    "margin_percent", "min_margin_percent", "create_uid", "write_uid", "create_date",
    "write_date",
)
STATUSES = [("pass", "Passed"), ("warning", "Condition"), ("fail", "Failed")]


class CspFeasibilityResult(models.Model):
    """One finding of a feasibility check: what was checked, the result, the
    reason in plain words and the figures behind it."""

    _name = "csp.feasibility.result"
    _description = "Feasibility Check Result"
    _order = "check_id, sequence, id"

    check_id = fields.Many2one(
        "csp.feasibility.check", string="Feasibility Check", required=True, ondelete="cascade",
        index=True)
    sequence = fields.Integer()
    kind = fields.Selection(KINDS, string="Check", required=True)
    status = fields.Selection(STATUSES, string="Result", required=True)
    reason = fields.Char(required=True)
    figures = fields.Char()
    # Prices against costs in words: for the cost viewers only, whoever ran the check.
    cost_figures = fields.Char(groups=COST_VIEWER)
    order_line_id = fields.Many2one("sale.order.line", ondelete="set null")
    product_id = fields.Many2one("product.product")
    ordered_qty = fields.Float(string="Ordered", digits="Product Unit")
    free_qty = fields.Float(string="Free in Stock", digits="Product Unit")
    forecast_qty = fields.Float(string="Forecast", digits="Product Unit")
    earliest_date = fields.Date()
    unit_cost = fields.Float(groups=COST_VIEWER, digits="Product Price")
    margin_percent = fields.Float(string="Margin (%)", groups=COST_VIEWER)
    min_margin_percent = fields.Float(string="Minimum (%)", groups=COST_VIEWER)

    @api.model
    def _csp_insert(self, rows):
        """Insert a check's results in one statement, however many lines the
        order has (the ORM would insert them a hundred at a time)."""
        if not rows:
            return
        columns = list(INSERT_COLUMNS)
        now = self.env.cr.now()
        uid = self.env.uid
        values = []
        stamps = {"create_uid": uid, "write_uid": uid, "create_date": now, "write_date": now}
        for row in rows:
            full = dict(row, **stamps)
            values.append(SQL("(%s)", SQL(", ").join(
                None if full.get(name) is False else full.get(name) for name in columns)))
        self.env.cr.execute(SQL(
            "INSERT INTO csp_feasibility_result (%s) VALUES %s",
            SQL(", ").join(SQL.identifier(name) for name in columns),
            SQL(", ").join(values)))
        self.env["csp.feasibility.check"].invalidate_model(["result_ids"])
