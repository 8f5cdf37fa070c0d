from odoo import fields, models

PROBLEMS = [
    ("missing", "Missing"),
    ("damaged", "Damaged"),
    ("wrong", "Wrong item"),
]


class CspDeliveryDisputeLine(models.Model):
    _name = "csp.delivery.dispute.line"
    _description = "Delivery Dispute Line"

    dispute_id = fields.Many2one(
        "csp.delivery.dispute", required=True, ondelete="cascade", index=True)
    move_id = fields.Many2one("stock.move", string="Delivered Line", ondelete="set null")
    product_id = fields.Many2one("product.product", required=True)
    problem = fields.Selection(PROBLEMS, required=True)
    delivered_qty = fields.Float(string="Delivered", digits="Product Unit")
    quantity = fields.Float(digits="Product Unit", required=True)
    note = fields.Char()

    _quantity_positive = models.Constraint(
        "CHECK (quantity > 0)", "The quantity with a problem must be positive.")
