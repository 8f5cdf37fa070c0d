from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CspComplaintLine(models.Model):
    """A product the complaint is about, its quantity, and how much of it came back."""

    _name = "csp.complaint.line"
    _description = "Complaint Line"

    complaint_id = fields.Many2one("csp.complaint", required=True, ondelete="cascade",
                                   index=True)
    product_id = fields.Many2one("product.product", required=True)
    quantity = fields.Float(digits="Product Unit", required=True, default=1.0)
    delivered_qty = fields.Float(
        string="Delivered", digits="Product Unit", compute="_compute_delivered_qty")
    returned_qty = fields.Float(
        string="Returned", digits="Product Unit", compute="_compute_returned_qty")
    note = fields.Char()

    @api.depends("product_id", "complaint_id.order_id", "complaint_id.picking_id")
    def _compute_delivered_qty(self):
        for line in self:
            line.delivered_qty = sum(line._csp_delivered_moves().mapped("quantity"))

    def _csp_delivered_moves(self):
        """The done customer-delivery moves of the product the complaint is about."""
        self.ensure_one()
        complaint = self.complaint_id.sudo()
        pickings = complaint.picking_id or complaint.order_id.picking_ids.filtered(
            "csp_is_customer_delivery")
        return pickings.move_ids.filtered(
            lambda m: m.state == "done" and m.product_id == self.product_id)

    @api.depends("complaint_id.return_picking_ids.move_ids.state")
    def _compute_returned_qty(self):
        for line in self:
            product = line.product_id
            moves = line.complaint_id.sudo().return_picking_ids.move_ids.filtered(
                lambda m, product=product: m.state == "done" and m.product_id == product)
            line.returned_qty = sum(moves.mapped("quantity"))

    @api.constrains("quantity", "product_id")
    def _check_quantity(self):
        for line in self:
            if line.quantity <= 0:
                raise ValidationError(self.env._(
                    "%(product)s: the quantity of a complaint must be positive.",
                    product=line.product_id.display_name))
            complaint = line.complaint_id
            if (complaint.order_id or complaint.picking_id) and \
                    line.quantity > line.delivered_qty + 1e-6:
                raise ValidationError(self.env._(
                    "%(product)s: %(qty)s is more than the %(delivered)s delivered.",
                    product=line.product_id.display_name, qty=line.quantity,
                    delivered=line.delivered_qty))
