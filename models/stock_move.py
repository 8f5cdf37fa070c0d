from odoo import api, fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    csp_returned_by_id = fields.Many2one(
        "res.partner", string="Returned by", compute="_compute_csp_returned_by_id", store=True,
        index="btree_not_null",
        help="For goods a customer sent back: the customer (the returns metric).")

    @api.depends("origin_returned_move_id.picking_id.csp_is_customer_delivery",
                 "picking_id.partner_id")
    def _compute_csp_returned_by_id(self):
        for move in self:
            returned = move.origin_returned_move_id.picking_id.csp_is_customer_delivery
            move.csp_returned_by_id = (
                move.picking_id.partner_id.commercial_partner_id if returned else False)
