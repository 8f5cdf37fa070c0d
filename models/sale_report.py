from odoo import models


class SaleReport(models.Model):
    _name = "sale.report"
    _inherit = ["sale.report", "csp.cost.guard"]
    _csp_cost_fields = frozenset({"margin"})
