"""The management report's hooks, overridden as an integrator's addon would:
the sections come from `_get_kpi_sections` and the trend lines from
`_get_kpi_trends`, and the workbook and the PDF follow."""
import base64
import io
from unittest.mock import patch

from openpyxl import load_workbook

from odoo import fields
from odoo.tests import Form, tagged
from odoo.tools import SQL

from .common import DeliveryCase


@tagged("post_install", "-at_install")
class TestKpiHooks(DeliveryCase):

    def _report(self):
        wizard = Form(self.env["csp.kpi.report"].with_user(self.manager))
        wizard.date_from = "2026-03-01"
        wizard.date_to = "2026-03-31"
        return wizard.save()

    def test_get_kpi_sections_adds_and_drops_sections(self):
        """An addon drops the materials section and adds one of its own: the
        workbook has a sheet for the new one and none for the dropped one,
        and the PDF renders both ways."""
        report_class = type(self.env["csp.kpi.report"])
        original = report_class._get_kpi_sections

        def sections(wizard):
            names = [name for name in original(wizard) if name != "_csp_section_materials"]
            return [*names, "_csp_section_warranty"]

        def warranty(wizard):
            return wizard._section("warranty", "Warranty claims",
                                   [("Claims", 3, 5, True)])

        with patch.object(report_class, "_get_kpi_sections", sections), \
                patch.object(report_class, "_csp_section_warranty", warranty, create=True):
            wizard = self._report()
            wizard.action_export_xlsx()
            book = load_workbook(io.BytesIO(base64.b64decode(wizard.xlsx_file)))
            self.assertIn("Warranty claims", book.sheetnames)
            self.assertNotIn("Sales materials", book.sheetnames)
            cells = {row[0]: row[1] for row in book["Warranty claims"].iter_rows(
                values_only=True) if row[0]}
            self.assertEqual(cells["Claims"], 3)
            report = self.env.ref("customer_service_process.action_report_kpi")
            pdf, _kind = report.with_context(force_report_rendering=True)._render_qweb_pdf(
                report.report_name, wizard.ids)
            self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertIn("materials", [s["key"] for s in self._report()._csp_data()["sections"]])

    def test_get_kpi_trends_adds_a_line(self):
        """An addon adds a twelve-month line of its own: the first page's
        chart draws it and the workbook's trends sheet has its row."""
        report_class = type(self.env["csp.kpi.report"])
        original = report_class._get_kpi_trends

        def trends(wizard):
            claims = {month: 2.0 for month in wizard._csp_trend_months()}
            return [*original(wizard),
                    wizard._csp_trend_line("Warranty claims", "", claims, 1.0, False)]

        with patch.object(report_class, "_get_kpi_trends", trends):
            wizard = self._report()
            data = wizard._csp_data()
            self.assertEqual(data["trends"][-1]["points"][-1], ("Mar", 2.0))
            self.assertIn("Warranty claims", str(wizard._csp_svg_trends(data["trends"])))
            wizard.action_export_xlsx()
            book = load_workbook(io.BytesIO(base64.b64decode(wizard.xlsx_file)))
            rows = {row[0]: row for row in book["Last twelve months"].iter_rows(
                values_only=True) if row[0]}
            self.assertEqual(rows["Warranty claims"][2:], (1.0, *[2.0] * 12))


@tagged("post_install", "-at_install")
class TestFigureHooks(DeliveryCase):

    def test_get_figure_queries_adds_a_metric_to_the_dashboard_data(self):
        """An addon measures inquiries per month for its own card's metric:
        the view is made again with its query (on the module's upgrade),
        and the dashboard's pivots read its figures and the card's target."""
        figure_class = type(self.env["csp.process.figure"])
        original = figure_class._get_figure_queries

        def queries(figures):
            return {**original(figures), "inquiries": SQL("""
                SELECT l.company_id, NULL::varchar, l.user_id, l.team_id,
                       date_trunc('month', l.create_date)::date, count(*), NULL::float
                  FROM crm_lead l GROUP BY 1, 2, 3, 4, 5""")}

        card = self.env.ref("customer_service_process.process_customer_service")
        card.write({"metric_ids": [(0, 0, {"name": "Inquiries", "code": "inquiries",
                                            "comparison": "min", "target": 40,
                                            "unit": "inquiries"})]})
        self.env["crm.lead"].create({"name": "Hook inquiry", "company_id": self.company.id,
                                     "partner_id": self.customer.id})
        with patch.object(figure_class, "_get_figure_queries", queries):
            self.env["csp.process.figure"].init()
        self.env.flush_all()
        groups = self.env["csp.process.figure"].with_user(self.manager).formatted_read_group(
            [("code", "=", "inquiries"), ("date", ">=", fields.Date.today().replace(day=1))],
            ["is_target"], ["numerator:sum", "target:max"])
        values = {group["is_target"]: group for group in groups}
        self.assertGreaterEqual(values[False]["numerator:sum"], 1)
        self.assertEqual(values[True]["target:max"], 40)
