from odoo import fields, models

from .csp_cost_guard import COST_VIEWER


class StockLot(models.Model):
    _inherit = "stock.lot"

    # Valuation per lot (stock_account) is a cost.
    avg_cost = fields.Monetary(groups=COST_VIEWER)
    total_value = fields.Monetary(groups=COST_VIEWER)
    standard_price = fields.Float(groups=COST_VIEWER)
