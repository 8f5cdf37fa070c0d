from odoo import fields, models

# Costs and margins are head office's business: field reps do not see them.
NOT_FOR_REPS = "base.group_user,!customer_service_process.group_field_rep"


class ProductProduct(models.Model):
    _inherit = "product.product"

    standard_price = fields.Float(groups=NOT_FOR_REPS)
