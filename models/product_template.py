from odoo import api, fields, models
from odoo.exceptions import ValidationError

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

    # The warranty from the delivery (source document 002): the category's,
    # unless the product has its own.
    csp_own_warranty = fields.Boolean(
        string="Own Warranty Period",
        help="This product's warranty differs from its category's.")
    csp_warranty_months = fields.Integer(
        string="Warranty (months)", compute="_compute_csp_warranty_months", store=True,
        readonly=False, help="From the delivery to the customer; 0: no warranty.")

    @api.depends("csp_own_warranty", "categ_id.csp_warranty_months")
    def _compute_csp_warranty_months(self):
        for template in self:
            if not template.csp_own_warranty:
                template.csp_warranty_months = template.categ_id.csp_warranty_months

    @api.constrains("csp_warranty_months")
    def _check_csp_warranty_months(self):
        for template in self:
            if template.csp_warranty_months < 0:
                raise ValidationError(self.env._(
                    "A warranty period cannot be below 0 months (%(product)s).",
                    product=template.display_name))
