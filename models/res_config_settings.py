from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    csp_feasibility_sla_hours = fields.Float(
        related="company_id.csp_feasibility_sla_hours", readonly=False)
    csp_fulfilment_sla_days = fields.Float(
        related="company_id.csp_fulfilment_sla_days", readonly=False)
    csp_head_of_sales_id = fields.Many2one(
        related="company_id.csp_head_of_sales_id", readonly=False)
    csp_office_manager_id = fields.Many2one(
        related="company_id.csp_office_manager_id", readonly=False)
    csp_feasibility_self_approval = fields.Boolean(
        related="company_id.csp_feasibility_self_approval", readonly=False)
    csp_calendar_id = fields.Many2one(
        related="company_id.resource_calendar_id", readonly=False,
        string="Working Schedule of the Process")
