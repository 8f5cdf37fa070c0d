from odoo import fields, models

from .csp_cost_guard import COST_VIEWER


class ProductProduct(models.Model):
    _inherit = "product.product"

    standard_price = fields.Float(groups=COST_VIEWER)
