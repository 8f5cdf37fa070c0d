from odoo import api, fields, models

from .csp_cost_guard import COST_VIEWER


class StockMove(models.Model):
    _inherit = "stock.move"

    # The valuation of a move (stock_account) is a cost: reps follow their
    # customers' deliveries without it.
    value = fields.Monetary(groups=COST_VIEWER)
    value_manual = fields.Monetary(groups=COST_VIEWER)
    # Not a related field any more: Odoo reads a related field's SQL through
    # its target without the field's own group, so grouped reads would sum
    # the product's cost for anybody.  A plain computed field cannot be
    # grouped or aggregated at all.
    standard_price = fields.Float(
        related=None, compute="_compute_csp_standard_price", compute_sudo=True,
        groups=COST_VIEWER, string="Standard Price")
    price_unit = fields.Float(groups=COST_VIEWER)
    remaining_value = fields.Monetary(groups=COST_VIEWER)

    csp_returned_by_id = fields.Many2one(
        "res.partner", string="Returned by", compute="_compute_csp_returned_by_id", store=True,
        index="btree_not_null",
        help="For goods a customer sent back: the customer (the returns metric).")

    @api.depends_context("company")
    @api.depends("product_id")
    def _compute_csp_standard_price(self):
        for move in self:
            move.standard_price = move.product_id.standard_price

    @api.depends("origin_returned_move_id.picking_id.csp_is_customer_delivery",
                 "picking_id.partner_id")
    def _compute_csp_returned_by_id(self):
        for move in self:
            returned = move.origin_returned_move_id.picking_id.csp_is_customer_delivery
            move.csp_returned_by_id = (
                move.picking_id.partner_id.commercial_partner_id if returned else False)
