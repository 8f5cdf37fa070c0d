from odoo import models
from odoo.exceptions import UserError


class StockReturnPicking(models.TransientModel):
    _inherit = "stock.return.picking"

    def _create_return(self):
        self._csp_check_returned_quantities()
        new_picking = super()._create_return()
        self._csp_link_complaint(new_picking)
        return new_picking

    def _create_exchange(self, return_picking):
        exchange = super()._create_exchange(return_picking)
        self._csp_link_complaint(exchange)
        return exchange

    def action_create_exchanges(self):
        # A customer delivery's exchange is procured like the order's other
        # deliveries: the new delivery is the replacement of the complaint.
        order = self.picking_id.sudo().sale_id
        before = order.picking_ids
        action = super().action_create_exchanges()
        if order and self.env.context.get("csp_complaint_id"):
            replacements = (order.picking_ids - before).filtered(
                lambda p: p.picking_type_code == "outgoing")
            for picking in replacements:
                self._csp_link_complaint(picking)
        return action

    def _csp_check_returned_quantities(self):
        """Never more back than went out: a return of a customer delivery is
        limited to what was delivered and not yet returned."""
        if not self.picking_id.csp_is_customer_delivery:
            return
        for line in self.product_return_moves.filtered("quantity"):
            move = line.move_id
            already = sum(move.returned_move_ids.filtered(
                lambda m: m.state != "cancel").mapped("product_uom_qty"))
            left = move.quantity - already
            if line.quantity > left + 1e-6:
                raise UserError(self.env._(
                    "%(product)s: %(qty)s cannot be returned, only %(left)s delivered and not "
                    "returned yet.", product=move.product_id.display_name, qty=line.quantity,
                    left=left))

    def _csp_link_complaint(self, picking):
        complaint_id = self.env.context.get("csp_complaint_id")
        if complaint_id:
            complaint = self.env["csp.complaint"].browse(complaint_id)
            picking.sudo().csp_complaint_id = complaint
            complaint.message_post(body=self.env._(
                "%(picking)s created for this complaint.", picking=picking.name))
