from odoo import api, fields, models
from odoo.exceptions import UserError


class CspFeasibilityDecision(models.TransientModel):
    """A process manager's decision on a pending feasibility check: approve,
    possibly with a new delivery date or new prices, or refuse with a reason."""

    _name = "csp.feasibility.decision"
    _description = "Feasibility Decision"

    check_id = fields.Many2one("csp.feasibility.check", required=True, ondelete="cascade")
    order_id = fields.Many2one(related="check_id.order_id")
    verdict = fields.Selection(related="check_id.verdict")
    verdict_reason = fields.Text(related="check_id.verdict_reason")
    proposed_date = fields.Date(related="check_id.proposed_date")
    decision = fields.Selection(
        [("approve", "Approve"), ("refuse", "Refuse")], required=True, default="approve")
    delivery_date = fields.Date(
        string="Delivery Date", help="The date promised to the customer; leave it to promise "
                                     "the earliest date the check found.")
    reason = fields.Text(help="Told to the customer: required to refuse.")
    line_ids = fields.One2many("csp.feasibility.decision.line", "decision_id", string="Prices")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        check = self.env["csp.feasibility.check"].browse(values.get("check_id"))
        if check:
            values.setdefault("delivery_date", check.proposed_date)
            if "line_ids" in fields_list:
                values["line_ids"] = [fields.Command.create({
                    "order_line_id": line.id, "price_unit": line.price_unit,
                }) for line in check.order_id.order_line.filtered(
                    lambda line: not line.display_type and line.product_id)]
        return values

    def action_decide(self):
        self.ensure_one()
        check = self.check_id
        check._csp_check_approver()
        if self.decision == "refuse":
            if not (self.reason or "").strip():
                raise UserError(self.env._(
                    "Say why the order is refused: the customer is told."))
            check.sudo()._csp_refuse(self.reason)
            return {"type": "ir.actions.act_window_close"}
        if self.delivery_date and self.delivery_date < fields.Date.context_today(self):
            raise UserError(self.env._("The delivery date cannot be in the past."))
        if any(line.price_unit < 0 for line in self.line_ids):
            raise UserError(self.env._("A price cannot be negative."))
        new_prices = {line.order_line_id.sudo(): line.price_unit for line in self.line_ids
                      if line.order_line_id}
        new_date = self.delivery_date if self.delivery_date != check.proposed_date else False
        check.sudo()._csp_approve(new_date=new_date, new_prices=new_prices, reason=self.reason)
        return {"type": "ir.actions.act_window_close"}


class CspFeasibilityDecisionLine(models.TransientModel):
    _name = "csp.feasibility.decision.line"
    _description = "Feasibility Decision Price"

    decision_id = fields.Many2one("csp.feasibility.decision", required=True, ondelete="cascade")
    order_line_id = fields.Many2one("sale.order.line", required=True, readonly=True)
    product_id = fields.Many2one(related="order_line_id.product_id")
    product_uom_qty = fields.Float(related="order_line_id.product_uom_qty", string="Quantity")
    currency_id = fields.Many2one(related="order_line_id.currency_id")
    current_price = fields.Float(related="order_line_id.price_unit", string="Current Price")
    price_unit = fields.Float(string="New Price", digits="Product Price")
