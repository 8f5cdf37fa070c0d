from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import CustomerProcessCase


@tagged("post_install", "-at_install")
class TestProcessCards(CustomerProcessCase):

    def test_documented_process_is_loaded(self):
        main = self.env.ref("customer_service_process.process_customer_service")
        self.assertEqual(set(main.child_ids.mapped("code")), {"a", "b", "c", "d", "e", "f", "r"})
        offer = self.env.ref("customer_service_process.process_offer_to_acceptance")
        answer = offer.metric_ids.filtered(lambda m: m.code == "answer_time")
        self.assertEqual((answer.comparison, answer.target, answer.unit),
                         ("max", 8.0, "working hours"))
        # Each code on one card: the main card does not repeat its subprocesses'.
        codes = self.env["csp.process.metric"].search([("code", "!=", False)]).mapped("code")
        self.assertEqual(len(codes), len(set(codes)))
        non_standard = offer.step_ids.filtered(lambda s: "non-standard" in s.name)
        head = self.env.ref("customer_service_process.role_head_of_sales")
        rep = self.env.ref("customer_service_process.role_sales_manager")
        self.assertEqual(non_standard._csp_matrix_cell(head), "R/P")
        self.assertEqual(non_standard._csp_matrix_cell(rep), "P")

    def test_process_card_prints(self):
        card = self.env.ref("customer_service_process.process_offer_to_acceptance")
        html, _kind = self.env["ir.actions.report"].with_user(self.manager)._render_qweb_html(
            "customer_service_process.action_report_process_card", card.ids)
        html = html.decode()
        self.assertIn("Responsibility matrix", html)
        self.assertIn("Orders for non-standard products", html)
        self.assertIn("R/P", html)
        self.assertIn("working hours", html)

    def test_process_card_renders_as_pdf(self):
        card = self.env.ref("customer_service_process.process_customer_service")
        pdf, kind = self.env["ir.actions.report"].with_user(self.manager).with_context(
            force_report_rendering=True)._render_qweb_pdf(
            "customer_service_process.action_report_process_card", card.ids)
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_manager_edits_a_card(self):
        with Form(self.env["csp.process"].with_user(self.manager)) as card:
            card.name = "Price list distribution"
            card.process_type = "supporting"
            with card.metric_ids.new() as metric:
                metric.name = "Time from approval to receipt"
                metric.target = 5
                metric.unit = "working hours"
        self.assertEqual(card.record.metric_ids.target, 5)

    def test_metric_without_unit_is_refused(self):
        card = self.env.ref("customer_service_process.process_offer_to_acceptance")
        count = len(card.metric_ids)
        with self.assertRaises(ValidationError):
            card.with_user(self.manager).write({"metric_ids": [(0, 0, {
                "name": "Bad metric", "target": 3, "unit": "  "})]})
        card.invalidate_recordset()
        self.assertEqual(len(card.metric_ids), count)

    def test_process_manager_sets_targets_and_calendar(self):
        """A process manager who is not an administrator changes the
        targets and the working schedule from Configuration → Process Targets."""
        action = self.env["res.company"].with_user(self.manager).action_csp_targets()
        self.assertEqual(action["res_id"], self.company.id)
        view = self.env.ref("customer_service_process.view_company_process_targets")
        with Form(self.company.with_user(self.manager), view=view) as targets:
            targets.csp_feasibility_sla_hours = 6
            targets.csp_fulfilment_sla_days = 10
        self.assertEqual(self.company.csp_feasibility_sla_hours, 6)
        self.assertEqual(self.company.csp_fulfilment_sla_days, 10)
        with Form(self.calendar.with_user(self.manager)) as calendar:
            calendar.name = "Test 8h calendar (2027)"
        self.assertEqual(self.calendar.name, "Test 8h calendar (2027)")
        # Nothing else of the company.
        with self.assertRaises(AccessError):
            self.company.with_user(self.manager).write({"name": "Renamed"})

    def test_negative_sla_target_is_refused(self):
        with self.assertRaises(ValidationError):
            self.company.write({"csp_fulfilment_sla_days": -1})

    def test_calendar_without_working_hours_is_refused(self):
        with self.assertRaises(ValidationError):
            self.calendar.write({"attendance_ids": [(5, 0, 0)]})
        self.assertTrue(self.calendar.attendance_ids)
