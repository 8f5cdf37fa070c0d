"""The monthly e-mail of the management report: last month's PDF to each
company's process managers, by a cron worker, company by company (the job
"monthly_report" of csp.batch on res.company)."""

from odoo import api, fields, models


class CspKpiReport(models.TransientModel):
    _inherit = "csp.kpi.report"

    @api.model
    def _cron_csp_monthly_report(self):
        """The job "monthly_report" of res.company, for a database whose cron
        (noupdate) still calls this method on this model."""
        return self.env["res.company"]._csp_batch_run("monthly_report")

    @api.model
    def _csp_mail_monthly_report(self, company):
        """Last month's report, as a PDF, to the company's process managers."""
        group = self.env.ref("customer_service_process.group_process_manager")
        report = self.env.ref("customer_service_process.action_report_kpi")
        managers = group.all_user_ids.filtered(
            lambda u: company in u.company_ids and not u.share and u.email)
        if not managers:
            return
        wizard = self.with_company(company).create({"company_id": company.id})
        pdf, _type = report._render_qweb_pdf(report.report_name, wizard.ids)
        attachment = self.env["ir.attachment"].create({
            "name": f"management-report-{wizard.date_from:%Y-%m}.pdf", "raw": pdf,
            "mimetype": "application/pdf"})
        self.env["mail.mail"].sudo().create({
            "subject": self.env._("%(company)s: management report %(month)s",
                                  company=company.name, month=f"{wizard.date_from:%Y-%m}"),
            "body_html": self.env._("<p>The customer process report of last month is "
                                    "attached.</p>"),
            "email_to": ",".join(managers.mapped("email_formatted")),
            "attachment_ids": [(6, 0, attachment.ids)],
        })


class ResCompany(models.Model):
    """The monthly report is mailed by a cron worker, company by company
    (the job "monthly_report" of csp.batch): a company that asks for it is
    due until last month's report went out, which `csp_kpi_sent_month`
    records in the transaction of its mail."""

    _name = "res.company"
    _inherit = ["res.company", "csp.process.owned", "csp.batch"]
    _csp_process_fields = frozenset({"csp_kpi_sent_month", "csp_kpi_report_error"})
    _csp_batch_jobs = {"monthly_report": "customer_service_process.ir_cron_monthly_report"}
    # One PDF each: one company per savepoint.
    _csp_batch_sizes = {"monthly_report": 1}
    _csp_batch_one_by_one = frozenset({"monthly_report"})

    csp_kpi_sent_month = fields.Date(
        string="Monthly Report Sent for", readonly=True, copy=False,
        help="The first day of the last month whose report was e-mailed (or failed: see "
             "the error).")
    csp_kpi_report_error = fields.Text(
        string="Monthly Report Error", readonly=True, copy=False,
        help="Why last month's report could not be e-mailed.")

    @api.model
    def _csp_kpi_month(self):
        """The month reported now: its first day."""
        return self.env["csp.kpi.report"]._default_dates()[0]

    @api.model
    def _csp_batch_domain(self, job):
        if job == "monthly_report":
            return [("csp_kpi_monthly", "=", True), "|", ("csp_kpi_sent_month", "=", False),
                    ("csp_kpi_sent_month", "<", self._csp_kpi_month())]
        return super()._csp_batch_domain(job)

    def _csp_batch_process(self, job):
        if job != "monthly_report":
            return super()._csp_batch_process(job)
        Report = self.env["csp.kpi.report"]
        for company in self:
            Report._csp_mail_monthly_report(company)
        self.sudo().write({"csp_kpi_sent_month": self._csp_kpi_month(),
                           "csp_kpi_report_error": False})
        return None

    def _csp_batch_failed(self, job, error):
        if job != "monthly_report":
            return super()._csp_batch_failed(job, error)
        # Tried again next month.
        self.sudo().write({"csp_kpi_sent_month": self._csp_kpi_month(),
                           "csp_kpi_report_error": str(error)})
        return None
