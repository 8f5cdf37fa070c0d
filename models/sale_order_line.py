from odoo import fields, models

from .product_product import NOT_FOR_REPS


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    purchase_price = fields.Float(groups=NOT_FOR_REPS)
    margin = fields.Float(groups=NOT_FOR_REPS)
    margin_percent = fields.Float(groups=NOT_FOR_REPS)
