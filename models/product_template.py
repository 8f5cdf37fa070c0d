from odoo import fields, models

from .product_product import NOT_FOR_REPS


class ProductTemplate(models.Model):
    _inherit = "product.template"

    # Source document 003, 5.2.7: orders for products made to the customer's own
    # specification are handled by the head of sales, whatever the order's size.
    is_non_standard = fields.Boolean(
        string="Non-standard Product",
        help="Made to the customer's specification: every order of it needs the "
        "head of sales' approval.",
    )

    standard_price = fields.Float(groups=NOT_FOR_REPS)
