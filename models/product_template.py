from odoo import fields, models

from .csp_cost_guard import COST_VIEWER


class ProductTemplate(models.Model):
    _inherit = "product.template"

    # Source document 003, 5.2.7: orders for products made to the customer's own
    # specification are handled by the head of sales, whatever the order's size.
    is_non_standard = fields.Boolean(
        string="Non-standard Product",
        help="Made to the customer's specification: every order of it needs the "
        "head of sales' approval.",
    )

    standard_price = fields.Float(groups=COST_VIEWER)
