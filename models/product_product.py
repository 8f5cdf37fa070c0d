from odoo import fields, models

from .csp_cost_guard import COST_VIEWER


class ProductProduct(models.Model):
    _inherit = "product.product"

    standard_price = fields.Float(groups=COST_VIEWER)
    # Valuation (stock_account) is a cost too.
    avg_cost = fields.Monetary(groups=COST_VIEWER)
    total_value = fields.Monetary(groups=COST_VIEWER)
