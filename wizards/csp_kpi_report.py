"""The management report (subprocess e): every process metric of a period
against the company's targets, from the stage milestones and documents, in
SQL aggregates.

This is its scope: the wizard a user fills in (company, period, channel,
salesperson, team), the orders it selects, and its buttons.  The figures are
in csp_kpi_sections.py (a method per section) and csp_kpi_definitions.py,
the outputs in csp_kpi_xlsx.py (the workbook) and csp_kpi_chart.py (the
PDF's charts; the PDF is reports/csp_kpi_report.xml), the monthly e-mail in
csp_kpi_monthly.py."""

import base64
from datetime import datetime, time

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

CHANNELS = [("all", "All"), ("head_office", "Head office"), ("field", "Field reps")]


class CspKpiReport(models.TransientModel):
    _name = "csp.kpi.report"
    _inherit = ["csp.kpi.sections", "csp.kpi.definitions", "csp.kpi.xlsx", "csp.kpi.chart",
                "csp.kpi.trend", "csp.kpi.funnel", "csp.kpi.goals"]
    _description = "Management Report"

    date_from = fields.Date(required=True, default=lambda self: self._default_dates()[0])
    date_to = fields.Date(required=True, default=lambda self: self._default_dates()[1])
    company_id = fields.Many2one("res.company", required=True,
                                 default=lambda self: self.env.company)
    channel = fields.Selection(CHANNELS, required=True, default="all")
    user_id = fields.Many2one("res.users", string="Salesperson")
    team_id = fields.Many2one("crm.team", string="Sales Team")
    xlsx_file = fields.Binary(readonly=True, attachment=False)
    xlsx_name = fields.Char(readonly=True)

    @api.model
    def _default_dates(self):
        first = fields.Date.context_today(self).replace(day=1)
        start = first - relativedelta(months=1)
        return start, first - relativedelta(days=1)

    # ------------------------------------------------------------ the scope

    def _csp_user(self):
        """A field rep's report is always his own."""
        if self.env.user.has_group("customer_service_process.group_field_rep"):
            return self.env.user
        return self.user_id

    def _csp_scope(self, alias="so"):
        """The orders of the report: company, channel, salesperson, team."""
        conditions = [SQL("%s.company_id = %s", SQL.identifier(alias), self.company_id.id)]
        if self.channel != "all":
            conditions.append(SQL("%s.csp_service = %s", SQL.identifier(alias), self.channel))
        user = self._csp_user()
        if user:
            conditions.append(SQL("%s.user_id = %s", SQL.identifier(alias), user.id))
        if self.team_id:
            conditions.append(SQL("%s.team_id = %s", SQL.identifier(alias), self.team_id.id))
        return SQL(" AND ").join(conditions)

    def _csp_bounds(self):
        return (datetime.combine(self.date_from, time.min),
                datetime.combine(self.date_to, time.max))

    def _csp_check_company(self):
        """The figures come from SQL, past the record rules: the company is
        the one rule they would not apply by themselves."""
        if not self.env.su and self.company_id not in self.env.user.company_ids:
            raise AccessError(self.env._(
                "You have no access to %(company)s's figures.",
                company=self.company_id.sudo().name))

    # -------------------------------------------------------------- buttons

    def action_print_pdf(self):
        self.ensure_one()
        return self.env.ref("customer_service_process.action_report_kpi").report_action(self)

    def action_export_xlsx(self):
        self.ensure_one()
        self.write({"xlsx_file": base64.b64encode(self._csp_xlsx()),
                    "xlsx_name": f"management-report-{self.date_from}-{self.date_to}.xlsx"})
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/csp.kpi.report/{self.id}/xlsx_file/{self.xlsx_name}"
                   "?download=true",
            "target": "self",
        }
