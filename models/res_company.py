from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    # Targets of source document 000, counted on the company's working calendar.
    csp_feasibility_sla_hours = fields.Float(
        string="Feasibility Answer Target (working hours)", default=8.0,
        help="From the order received to the answer to the customer whether it can "
             "be fulfilled.")
    csp_fulfilment_sla_days = fields.Float(
        string="Fulfilment Target (working days)", default=14.0,
        help="From the order accepted to the delivery confirmed by the customer.")
    csp_head_of_sales_id = fields.Many2one(
        "res.users", string="Head of Sales",
        help="Responsible for head-office orders and the owner of the process: "
             "receives the SLA breach activities of orders without a field rep.")

    @api.constrains("csp_feasibility_sla_hours", "csp_fulfilment_sla_days")
    def _check_csp_sla_targets(self):
        for company in self:
            if company.csp_feasibility_sla_hours < 0 or company.csp_fulfilment_sla_days < 0:
                raise ValidationError(self.env._("An SLA target cannot be negative (%(company)s).",
                                        company=company.name))

    @api.constrains("resource_calendar_id")
    def _check_csp_calendar_has_hours(self):
        self.resource_calendar_id._check_csp_working_hours()
