from odoo import models


class SaleOrderLine(models.Model):
    _name = "sale.order.line"
    _inherit = ["sale.order.line", "csp.cost.guard"]
    _csp_cost_fields = frozenset({"purchase_price", "margin", "margin_percent"})
