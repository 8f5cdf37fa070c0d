from odoo import fields, models

from .csp_cost_guard import COST_VIEWER


class ProductSupplierinfo(models.Model):
    _inherit = "product.supplierinfo"

    # What the company pays its vendors is a cost.
    price = fields.Float(groups=COST_VIEWER)
    price_discounted = fields.Float(groups=COST_VIEWER)
