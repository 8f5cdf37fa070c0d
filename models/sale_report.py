from odoo import fields, models

from .product_product import NOT_FOR_REPS


class SaleReport(models.Model):
    _inherit = "sale.report"

    margin = fields.Float(groups=NOT_FOR_REPS)
