from datetime import datetime

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import ApprovalCase, FeasibilityLinkPages


@tagged("post_install", "-at_install")
class TestFeasibilityApproval(ApprovalCase):
    """Who decides, how the customer is answered, and what resets a decision."""

    def test_request_notifies_the_approver(self):
        order, check = self._pending()
        self.assertEqual(check.approver_id, self.manager)
        activity = order.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(
                "customer_service_process.mail_activity_feasibility_approval"))
        self.assertEqual(activity.user_id, self.manager)
        self.assertIn("Waiting for", order.message_ids[0].body)
        mail = self.env["mail.mail"].sudo().search(
            [("subject", "ilike", f"To approve: {order.name}")])
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail, self._approval_mail(check))
        self.assertEqual(mail.recipient_ids, self.manager.partner_id)
        token = self._mailed_token(check)
        self.assertTrue(token)
        self.assertIn(f"{check.get_base_url()}/csp/feasibility/{check.id}/{token}",
                      mail.body_html)
        self.assertNotEqual(check.sudo().access_token, token, "only its digest is kept")
        # The manager's To approve list shows it with the time left.
        pending = self.env["csp.feasibility.check"].with_user(self.manager).search(
            [("state", "=", "pending")])
        self.assertIn(check, pending)
        self.assertGreater(pending.filtered(lambda c: c == check).sla_hours_left, 0)

    def test_rep_cannot_approve(self):
        order, check = self._pending()
        with self.assertRaises(AccessError):
            check.with_user(self.rep).action_approve()
        with self.assertRaises(AccessError):
            check.with_user(self.rep).action_open_decision()
        with self.assertRaises(AccessError):
            check.with_user(self.rep).write({"state": "approved"})
        with self.assertRaises(UserError):
            order.with_user(self.rep).action_confirm()
        self.assertEqual(check.state, "pending")
        self.assertEqual(order.state, "draft")

    def test_rep_sees_only_his_own_checks(self):
        _order, check = self._pending()
        self.assertFalse(self.env["csp.feasibility.check"].with_user(self.rep2).search(
            [("id", "=", check.id)]))
        with self.assertRaises(AccessError):
            check.with_user(self.rep2).read(["verdict"])

    def test_manager_approves_as_it_stands(self):
        order, check = self._pending()
        check.with_user(self.manager).action_approve()
        self.assertEqual(check.state, "approved")
        self.assertEqual(check.decided_by_id, self.manager)
        self.assertEqual(order.state, "sale")
        self.assertEqual(len(self._answers(order, "is accepted")), 1)
        # The requester hears of it.
        decided = order.activity_ids.filtered(lambda a: a.activity_type_id == self.env.ref(
            "customer_service_process.mail_activity_feasibility_decision"))
        self.assertEqual(decided.user_id, self.rep)
        self.assertFalse(order.activity_ids.filtered(lambda a: a.activity_type_id == self.env.ref(
            "customer_service_process.mail_activity_feasibility_approval")))

    def test_manager_approves_with_a_new_date_and_price(self):
        order, check = self._pending(commitment_date=datetime(2030, 5, 6, 12, 0))
        self._decide(check, self.manager, delivery_date=datetime(2030, 5, 20).date(),
                     reason="Priced for the new date")
        self.assertEqual(check.state, "approved")
        self.assertTrue(check.with_conditions)
        self.assertEqual(order.commitment_date.date().isoformat(), "2030-05-20")
        # On conditions the customer accepts online; nothing is confirmed yet.
        self.assertEqual(order.state, "sent")
        self.assertTrue(order.require_signature)
        answer = self._answers(order, "our terms")
        self.assertEqual(len(answer), 1)
        self.assertIn("05/20/2030", answer.body)
        self.assertEqual(order.csp_approval_state, "approved", "the approver's changes keep it")

        # The customer signs online: the order is confirmed.
        order.sudo()._validate_order()
        self.assertEqual(order.state, "sale")

    def test_manager_changes_prices_in_the_decision(self):
        order, check = self._pending()
        action = check.with_user(self.manager).action_open_decision()
        with Form(self.env[action["res_model"]].with_user(self.manager).with_context(
                **action["context"])) as wizard:
            with wizard.line_ids.edit(0) as line:
                self.assertEqual(line.current_price, 22.0)
                line.price_unit = 30.0
            decision = wizard.save()
        decision.action_decide()
        self.assertEqual(order.order_line.price_unit, 30.0)
        self.assertTrue(check.with_conditions)
        self.assertEqual(order.state, "sent")

    def test_refusal_needs_a_reason_and_answers_the_customer(self):
        order, check = self._pending()
        with self.assertRaises(UserError):
            self.env["csp.feasibility.decision"].with_user(self.manager).create({
                "check_id": check.id, "decision": "refuse", "reason": " "}).action_decide()
        self.assertEqual(check.state, "pending")
        self._decide(check, self.manager, decision="refuse",
                     reason="We cannot make it at this price.")
        self.assertEqual(check.state, "refused")
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.csp_stage_id, self.env.ref("customer_service_process.stage_refused"))
        refusal = self._answers(order, order.name).filtered(
            lambda m: "cannot accept" in (m.body or ""))
        self.assertEqual(len(refusal), 1)
        self.assertIn("We cannot make it at this price.", refusal.body)
        self.assertTrue(order.csp_answered_at)

    def test_only_the_head_of_sales_decides_on_non_standard_products(self):
        other_manager = new_test_user(
            self.env, login="csp_test_manager2", name="Other Manager",
            groups="customer_service_process.group_process_manager")
        self._stock(self.spare_part, 10)
        self.spare_part.is_non_standard = True
        order = self._quotation(self.rep, self.rep_customer, self.spare_part, 1)
        check = self._check(order, self.rep)
        check.action_submit()
        with self.assertRaises(AccessError):
            check.with_user(other_manager).action_approve()
        check.with_user(self.manager).action_approve()
        self.assertEqual(order.state, "sale")

    def test_change_after_approval_resets_it(self):
        order, check = self._pending(commitment_date=datetime(2030, 5, 6, 12, 0))
        self._decide(check, self.manager, delivery_date=datetime(2030, 5, 20).date())
        self.assertEqual(order.csp_approval_state, "approved")
        with Form(order.with_user(self.rep)) as form:
            with form.order_line.edit(0) as line:
                line.product_uom_qty = 5
        self.assertEqual(check.state, "cancelled")
        self.assertEqual(order.csp_approval_state, "none")
        self.assertIn("reset", order.message_ids[0].body)
        with self.assertRaises(UserError):
            order.with_user(self.rep).action_confirm()

    def test_change_of_date_resets_a_pending_request(self):
        order, check = self._pending()
        order.with_user(self.rep).commitment_date = datetime(2030, 1, 7, 12, 0)
        self.assertEqual(check.state, "cancelled")
        self.assertIn("Delivery Date", check.reset_reason)
        with self.assertRaises(UserError):
            check.with_user(self.manager).action_approve()

    def test_confirmation_guard(self):
        self._stock(self.spare_part, 10)
        rep_order = self._quotation(self.rep, self.rep_customer, self.spare_part, 1)
        with self.assertRaises(UserError) as caught:
            rep_order.with_user(self.rep).action_confirm()
        self.assertIn("feasibility check is approved", str(caught.exception))
        self.assertEqual(rep_order.state, "draft")

        office_order = self._quotation(self.head_office, self.customer, self.spare_part, 1)
        self.company.csp_feasibility_required = True
        with self.assertRaises(UserError):
            office_order.with_user(self.head_office).action_confirm()
        self.company.csp_feasibility_required = False
        office_order.with_user(self.head_office).action_confirm()
        self.assertEqual(office_order.state, "sale")

    def test_company_without_automatic_acceptance_sends_everything_to_a_manager(self):
        self.company.csp_feasibility_auto_accept = False
        self._stock(self.spare_part, 10)
        order = self._quotation(self.rep, self.rep_customer, self.spare_part, 1)
        check = self._check(order, self.rep)
        self.assertEqual(check.verdict, "feasible")
        check.action_submit()
        self.assertEqual(check.state, "pending")

    def test_answer_time_is_counted_on_the_working_calendar(self):
        self._stock(self.spare_part, 10)
        with self.at("2026-03-02 14:00:00"):  # Monday
            order = self._quotation(self.rep, self.rep_customer, self.spare_part, 2)
            order.with_user(self.rep).order_line.price_unit = 22.0
        with self.at("2026-03-02 15:00:00"):
            check = self._check(order, self.rep)
            check.action_submit()
        self.assertEqual(order.csp_sla_kind, "feasibility")
        # 8 working hours from Monday 14:00: Tuesday 14:00.
        self.assertEqual(order.csp_sla_deadline, datetime(2026, 3, 3, 14, 0))
        with self.at("2026-03-03 15:30:00"):  # Tuesday, 1.5 h late
            check.with_user(self.manager).action_approve()
        self.assertEqual(order.csp_answered_at, datetime(2026, 3, 3, 15, 30))
        self.assertAlmostEqual(order.csp_answer_hours, 9.5)
        self.assertFalse(order.csp_answer_on_time)
        self.assertFalse(order.csp_sla_kind == "feasibility")

    def test_order_accepted_online_is_checked_first(self):
        self._stock(self.spare_part, 10)
        feasible = self._quotation(self.head_office, self.customer, self.spare_part, 1)
        feasible.sudo()._validate_order()
        self.assertEqual(feasible.state, "sale")
        self.assertEqual(feasible.csp_channel, "website")
        self.assertTrue(feasible.csp_check_id.decision_auto)

        cheap = self._quotation(self.head_office, self.customer, self.spare_part, 1)
        cheap.order_line.price_unit = 21.0
        cheap.sudo()._validate_order()
        self.assertEqual(cheap.state, "draft")
        self.assertEqual(cheap.csp_approval_state, "pending")
        self.assertEqual(cheap.csp_stage_id,
                         self.env.ref("customer_service_process.stage_feasibility"))


@tagged("post_install", "-at_install")
class TestFeasibilityLink(FeasibilityLinkPages, HttpCase, ApprovalCase):
    """The approver's e-mail link: his token, once, and nothing for anyone else."""

    def test_approver_decides_from_the_link_once(self):
        order, check = self._pending()
        token = self._mailed_token(check)
        self.assertTrue(token)
        with mute_logger("odoo.http", "werkzeug"):
            self.assertEqual(self._open(check, "not-the-token").status_code, 404)
            self.assertEqual(self._open(check, token[:-1] + "x").status_code, 404)
        page = self._open(check, token)
        self.assertEqual(page.status_code, 200)
        self.assertIn(order.name, page.text)
        self.assertIn("below the minimum", page.text)

        done = self._post(check, token, page, decision="approve")
        self.assertEqual(done.status_code, 200)
        self.assertIn("recorded", done.text)
        self.assertEqual(check.state, "approved")
        self.assertEqual(check.decided_by_id, self.manager)
        self.assertEqual(order.state, "sale")

        used = self._open(check, token)
        self.assertEqual(used.status_code, 410, "used once")
        self.assertRegex(used.text,
                         rf"Already decided: approved on [\d/.-]+ by {self.manager.name}")
        self.assertNotIn("o_csp_decision_form", used.text)
        with mute_logger("odoo.http", "werkzeug"):
            replay = self.url_open(f"/csp/feasibility/{check.id}/{token}/decide",
                                   data={"decision": "refuse", "reason": "x"})
        self.assertNotEqual(replay.status_code, 200)
        self.assertEqual(order.state, "sale")

    def test_refusal_from_the_link_needs_a_reason(self):
        order, check = self._pending()
        token = self._mailed_token(check)
        page = self._open(check, token)
        again = self._post(check, token, page, decision="refuse", reason="  ")
        self.assertEqual(again.status_code, 200)
        self.assertIn("Say why", again.text)
        self.assertEqual(check.state, "pending")
        self._post(check, token, again, decision="refuse", reason="No capacity this month")
        self.assertEqual(check.state, "refused")
        self.assertEqual(order.state, "cancel")


@tagged("post_install", "-at_install")
class TestFeasibilityOnline(ApprovalCase):
    """Orders accepted on the portal and made-to-order orders of reps."""

    def test_portal_customer_accepting_online_gets_the_order_checked(self):
        portal_user = new_test_user(self.env, login="csp_test_portal", groups="base.group_portal",
                                    partner_id=self.customer.id)
        self._stock(self.spare_part, 10)
        order = self._quotation(self.head_office, self.customer, self.spare_part, 1)
        order.with_user(portal_user).sudo()._validate_order()
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.csp_check_id.decision_auto)
        self.assertEqual(order.csp_check_id.requested_by_id, portal_user)
        self.assertEqual(len(self._answers(order, "is accepted")), 1)

    def test_rep_made_to_order_pump_accepted_automatically_is_manufactured(self):
        self._stock(self.component, 10)
        order = self._quotation(self.rep, self.rep_customer, self.pump, 2)
        check = self._check(order, self.rep)
        self.assertEqual(check.verdict, "feasible")
        check.action_submit()
        self.assertEqual(order.state, "sale")
        productions = order.sudo().mrp_production_ids
        self.assertEqual(len(productions), 1)
        self.assertEqual(productions.product_qty, 2)
