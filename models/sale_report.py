from odoo import fields, models

from .csp_cost_guard import COST_VIEWER


class SaleReport(models.Model):
    _inherit = "sale.report"

    margin = fields.Float(groups=COST_VIEWER)
