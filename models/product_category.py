from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ProductCategory(models.Model):
    _inherit = "product.category"

    csp_margin_override = fields.Boolean(
        string="Own Minimum Margin",
        help="Products of this category must reach their own minimum margin, not "
             "the company's.")
    csp_min_margin_percent = fields.Float(
        string="Minimum Margin (%)",
        help="The margin the feasibility check expects of products of this category.")
    # Source document 002 (CS6, CS11): warranties, claims and returns.
    csp_warranty_months = fields.Integer(
        string="Warranty (months)", default=24,
        help="The warranty of this category's products from their delivery, unless a "
             "product has its own; 0: no warranty.")

    @api.constrains("csp_warranty_months")
    def _check_csp_warranty_months(self):
        for category in self:
            if category.csp_warranty_months < 0:
                raise ValidationError(self.env._(
                    "A warranty period cannot be below 0 months (%(category)s).",
                    category=category.display_name))

    def _csp_min_margin_percent(self, company):
        """The minimum margin for this category's products: its own, its
        nearest parent's, or the company's."""
        category = self
        while category:
            if category.csp_margin_override:
                return category.csp_min_margin_percent
            category = category.parent_id
        return company.csp_min_margin_percent

    @api.constrains("csp_min_margin_percent")
    def _check_csp_min_margin(self):
        for category in self:
            if not -100.0 < category.csp_min_margin_percent < 100.0:
                raise ValidationError(self.env._(
                    "A minimum margin lies between -100 %% and 100 %% (%(category)s).",
                    category=category.display_name))
