import base64
import io
from unittest.mock import patch

from openpyxl import load_workbook

from odoo import fields
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import DeliveryCase, run_queued_crons


@tagged("post_install", "-at_install")
class TestManagementReport(DeliveryCase):
    """A small known month: every figure asserted exactly."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._stock(cls.spare_part, 100)

    def _confirmed(self, received, answered, partner, user):
        with self.at(received):
            order = self._quotation(self.head_office, partner, self.spare_part, 5,
                                    user_id=user)
        with self.at(answered):
            order.with_user(self.head_office).action_confirm()
        return order

    def _month(self):
        # Monday 2 March 2026 09:00; Thursday 5 March is a holiday.
        a = self._confirmed("2026-03-02 09:00:00", "2026-03-02 10:00:00", self.customer,
                            self.head_office)  # 1 h
        b = self._confirmed("2026-03-02 09:00:00", "2026-03-02 13:00:00", self.customer,
                            self.head_office)  # 4 h
        c = self._confirmed("2026-03-02 09:00:00", "2026-03-03 09:00:00", self.rep_customer,
                            self.rep)  # 7 + 1 = 8 h
        d = self._confirmed("2026-03-02 09:00:00", "2026-03-04 12:00:00", self.rep_customer,
                            self.rep)  # 7 + 8 + 4 = 19 h
        with self.at("2026-03-02 09:00:00"):
            lost = self._quotation(self.head_office, self.customer, self.spare_part, 1)
        with self.at("2026-03-02 11:00:00"):
            lost.with_user(self.head_office).with_context(
                disable_cancel_warning=True)._action_cancel()
        with self.at("2026-03-02 14:00:00"):
            pa = self._ship(a)
            pb = self._ship(b)
        with self.at("2026-03-12 10:00:00"):
            pa._csp_confirm("Buyer", "office")  # 6+8+8+0+8+8+8+8+2 = 56 h = 7 days
        with self.at("2026-03-30 13:00:00"):
            pb._csp_confirm("Buyer", "office")  # 152 h = 19 days: 5 days late
        return a, b, c, d, lost

    def _report(self, user, **values):
        wizard = Form(self.env["csp.kpi.report"].with_user(user))
        wizard.date_from = "2026-03-01"
        wizard.date_to = "2026-03-31"
        for name, value in values.items():
            setattr(wizard, name, value)
        return wizard.save()

    def _metrics(self, data, key):
        section = next(s for s in data["sections"] if s["key"] == key)
        return {label: value for label, value, _target, _met in section["metrics"]}, section

    def test_every_figure_of_a_known_month(self):
        a, b, _c, _d, _lost = self._month()
        self.assertEqual([round(o.csp_answer_hours, 2) for o in (a, b)], [1.0, 4.0])
        self.assertAlmostEqual(a.csp_fulfilment_days, 7.0)
        self.assertAlmostEqual(b.csp_fulfilment_days, 19.0)
        data = self._report(self.manager)._csp_data()

        # Answered: 1, 4, 8 and 19 h, and the cancelled order's answer at 2 h.
        answer, section = self._metrics(data, "answer")
        self.assertEqual(answer["Orders"], 5)
        self.assertEqual(answer["Average (working hours)"], 6.8)
        self.assertEqual(answer["Median (working hours)"], 4.0)
        self.assertEqual(answer["90th percentile (working hours)"], 14.6)  # 8 + 0.6 x 11
        self.assertEqual(answer["Within the target"], "80.0 %")
        self.assertTrue(section["metrics"][1][3], "an average of 6.8 h meets the 8 h target")

        fulfilment, section = self._metrics(data, "fulfilment")
        self.assertEqual(fulfilment["Orders"], 2)
        self.assertEqual(fulfilment["Average (working days)"], 13.0)
        self.assertEqual(fulfilment["Median (working days)"], 13.0)
        self.assertEqual(fulfilment["90th percentile (working days)"], 17.8)
        self.assertEqual(fulfilment["Within the target"], "50.0 %")
        self.assertEqual(section["tables"][0][2], [[b.name, self.customer.name, 19.0, 5.0]])

        offers, section = self._metrics(data, "offers")
        self.assertEqual((offers["Offers"], offers["Won"], offers["Success rate"]),
                         (5, 4, "80.0 %"))
        self.assertEqual(section["tables"][0][2], [["Cancelled", 1]])

        customers, section = self._metrics(data, "customers")
        self.assertEqual(customers["Active customers"], 2)
        self.assertEqual(section["tables"][0][2][-1][:3], ["2026-03", 2, 0])
        # The month the figure is of, by its name; the trend of twelve months.
        self.assertEqual(customers["New customers in March 2026"], 2)
        self.assertEqual(len(section["tables"][0][2]), 12)

        returns, _section = self._metrics(data, "returns")
        self.assertEqual(returns["Returned quantity"], 0)

        money, _section = self._metrics(data, "money")
        self.assertIn("1,000.00", money["Sales value"])
        channels = {row[0]: row for row in data["by_channel"]["rows"]}
        self.assertEqual(channels["Head office"][1:3], [5, 4])

    def test_each_target_over_twelve_months(self):
        """The first page's trends: each target's figure per month, the
        months without orders empty, and the same numbers in the workbook."""
        self._month()
        wizard = self._report(self.manager)
        trends = {trend["title"]: trend for trend in wizard._csp_data()["trends"]}
        answer = trends["Answer time (working hours)"]
        self.assertEqual(len(answer["points"]), 12)
        self.assertEqual(answer["points"][-1], ("Mar", 6.8))
        self.assertEqual({value for _month, value in answer["points"][:-1]}, {None})
        self.assertEqual(answer["target"], 8.0)
        self.assertEqual(trends["Answered within the target"]["points"][-1][1], 80.0)
        self.assertEqual(trends["Fulfilment (working days)"]["points"][-1][1], 13.0)
        self.assertEqual(trends["Fulfilled within the target"]["points"][-1][1], 50.0)
        # Two new customers in March after none in February: no growth to show.
        self.assertIsNone(trends["New customers' growth"]["points"][-1][1])
        svg = str(wizard._csp_svg_trends(wizard._csp_data()["trends"]))
        self.assertIn("Answer time (working hours)", svg)
        self.assertIn("6.8 h", svg)
        wizard.action_export_xlsx()
        book = load_workbook(io.BytesIO(base64.b64decode(wizard.xlsx_file)))
        rows = {row[0]: row for row in book["Last twelve months"].iter_rows(values_only=True)
                if row[0]}
        self.assertEqual(rows["Answer time (working hours)"][1:3], ("h", 8.0))
        self.assertEqual(rows["Answer time (working hours)"][-1], 6.8)
        self.assertEqual(rows["Figure"][-1], "Mar")

    def test_a_rep_sees_only_his_figures(self):
        self._month()
        # Even asking for someone else's figures, a rep gets his own.
        wizard = self.env["csp.kpi.report"].with_user(self.rep).create({
            "date_from": "2026-03-01", "date_to": "2026-03-31", "user_id": self.manager.id})
        data = wizard._csp_data()
        answer, _section = self._metrics(data, "answer")
        self.assertEqual(answer["Orders"], 2)
        self.assertEqual(answer["Average (working hours)"], 13.5)
        self.assertEqual([row[0] for row in data["by_rep"]["rows"]], [self.rep.name])

    def test_xlsx_holds_the_same_numbers_and_the_pdf_renders(self):
        self._month()
        wizard = self._report(self.manager)
        data = wizard._csp_data()
        wizard.action_export_xlsx()
        book = load_workbook(io.BytesIO(base64.b64decode(wizard.xlsx_file)))
        # Sheets named as a person reads them.
        self.assertIn("Answer time", book.sheetnames)
        cells = {row[0]: row[1] for row in book["Answer time"].iter_rows(values_only=True)
                 if row[0]}
        answer, _section = self._metrics(data, "answer")
        self.assertEqual(cells["Average (working hours)"], answer["Average (working hours)"])
        self.assertEqual(cells["90th percentile (working hours)"], 14.6)
        # A percentage is a number with a percent format, not a text.
        within = next(cell for cell in book["Answer time"]["B"]
                      if book["Answer time"].cell(cell.row, 1).value == "Within the target")
        self.assertIsInstance(within.value, float)
        self.assertLessEqual(within.value, 1.0)
        self.assertIn("%", within.number_format)
        # The rows behind the figures: their own sheet, human headers, local
        # times, the header frozen and filtered.
        rows_sheet = book["Answer time - rows"]
        rows = list(rows_sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][:6], ("Order", "Customer", "Served by", "Salesperson",
                                       "Received", "Answered"))
        raw = [row for row in rows[1:] if row[0]]
        self.assertEqual(len(raw), 5)
        self.assertEqual(sorted(round(row[-2], 2) for row in raw), [1.0, 2.0, 4.0, 8.0, 19.0])
        self.assertTrue(all(row[2] in ("Head office", "Field rep") for row in raw))
        first = self.env["sale.order"].search([("name", "=", raw[0][0])])
        self.assertEqual(raw[0][4], fields.Datetime.context_timestamp(
            wizard, first.csp_received_at).replace(tzinfo=None, microsecond=0))
        self.assertEqual(rows_sheet.freeze_panes, "A2")
        self.assertTrue(rows_sheet.auto_filter.ref)
        self.assertIn("Definitions", book.sheetnames)
        report = self.env.ref("customer_service_process.action_report_kpi")
        pdf, kind = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            report.report_name, wizard.ids)
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_empty_sections_say_so(self):
        data = self._report(self.manager, date_from="2020-01-01", date_to="2020-01-31")._csp_data()
        answer = next(s for s in data["sections"] if s["key"] == "answer")
        self.assertFalse(answer["available"])

    def test_monthly_cron_mails_the_managers(self):
        self.company.csp_kpi_monthly = True
        self.manager.email = "head.of.sales@test.example.com"
        with self.at("2026-04-01 05:00:00"):
            run_queued_crons(self.env)
            # Again the same month: nothing twice.
            self.env.ref("customer_service_process.ir_cron_monthly_report").sudo() \
                .method_direct_trigger()
        mail = self.env["mail.mail"].search([("subject", "ilike", "management report 2026-03")])
        self.assertEqual(len(mail), 1)
        self.assertIn("head.of.sales@test.example.com", mail.email_to)
        self.assertTrue(mail.attachment_ids)
        self.assertEqual(self.company.csp_kpi_sent_month.isoformat(), "2026-03-01")
        with self.at("2026-05-01 05:00:00"):
            run_queued_crons(self.env)
        self.assertEqual(len(self.env["mail.mail"].search([
            ("subject", "ilike", "management report 2026-04")])), 1)

    def test_monthly_report_that_fails_is_reported_and_tried_next_month(self):
        self.company.csp_kpi_monthly = True
        self.manager.email = "head.of.sales@test.example.com"
        def broken(report, company):
            raise ValueError("Printer on fire")

        with self.at("2026-04-01 05:00:00"), \
                mute_logger("odoo.addons.customer_service_process.models.csp_batch"), \
                patch.object(type(self.env["csp.kpi.report"]), "_csp_mail_monthly_report",
                             broken):
            run_queued_crons(self.env)
            run_queued_crons(self.env)
        self.assertIn("Printer on fire", self.company.csp_kpi_report_error)
        self.assertFalse(self.env["mail.mail"].search([("subject", "ilike", "management report")]))
        with self.at("2026-05-01 05:00:00"):
            run_queued_crons(self.env)
        self.assertEqual(len(self.env["mail.mail"].search([
            ("subject", "ilike", "management report 2026-04")])), 1)
        self.assertFalse(self.company.csp_kpi_report_error)

    def test_query_count_does_not_grow_with_orders(self):
        self._month()
        wizard = self._report(self.manager)

        def spent():
            return self._queries(wizard._csp_data)[1]

        spent()  # warm the registry's caches
        few = spent()
        for hour in range(10, 16):
            self._confirmed("2026-03-09 09:00:00", f"2026-03-09 {hour}:00:00", self.customer,
                            self.head_office)
        self.assertEqual(spent(), few)
