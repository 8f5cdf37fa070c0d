"""The management report's hooks, overridden as an integrator's addon would:
the sections come from `_get_kpi_sections` and the trend lines from
`_get_kpi_trends`, and the workbook and the PDF follow."""
import base64
import io
from unittest.mock import patch

from openpyxl import load_workbook

from odoo.tests import Form, tagged

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
