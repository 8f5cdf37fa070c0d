import json
from datetime import datetime

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .common import AfterSalesCase, run_queued_crons


@tagged("post_install", "-at_install")
class TestSatisfactionSurvey(AfterSalesCase):

    def test_one_invitation_per_delivered_order(self):
        order, _picking = self._delivered()
        self.assertEqual(order.csp_stage_id.code, "delivered")
        for _run in range(2):
            with self.at("2026-03-02 11:00:00"):
                run_queued_crons(self.env)
        self.assertEqual(len(self._invitations(order)), 1)
        answer = order.sudo().csp_survey_input_id
        self.assertEqual(answer.partner_id, order.partner_id)
        self.assertEqual(answer.csp_order_id, order)
        self.assertIn(answer.get_start_url(), self._invitations(order).body_html)
        # One reminder after five days without an answer.
        for _run in range(2):
            with self.at("2026-03-09 11:00:00"):
                run_queued_crons(self.env)
        reminders = self.env["mail.mail"].sudo().search([
            ("subject", "ilike", f"one minute for {order.name}?")])
        self.assertEqual(len(reminders), 1)
        self.assertEqual(reminders.recipient_ids, order.partner_id)
        self.assertIn(answer.get_start_url(), reminders.body_html)

    def test_no_survey_for_a_customer_who_opted_out(self):
        self.rep_customer.csp_survey_opt_out = True
        order, _picking = self._delivered()
        run_queued_crons(self.env)
        self.assertFalse(self._invitations(order))
        self.assertFalse(order.csp_survey_input_id)

    def test_answers_give_score_nps_and_stage(self):
        order, _picking = self._delivered()
        run_queued_crons(self.env)
        self._answer(order, overall=5, nps=9, quality=4, improve="Faster quotes")
        self.assertEqual(order.csp_satisfaction_score, 5)
        self.assertEqual(order.csp_nps_score, 9)
        self.assertEqual(order.csp_nps_category, "promoter")
        self.assertEqual(order.csp_quality_score, 4)
        self.assertEqual(order.csp_on_time_answer, "yes")
        self.assertEqual(order.csp_improvement, "Faster quotes")
        self.assertEqual(order.csp_stage_id.code, "feedback")
        self.assertFalse(order.activity_ids.filtered(lambda a: a.activity_type_id == self.env.ref(
            "customer_service_process.mail_activity_survey_callback")))
        self.assertIn(order, self.rep_customer.csp_feedback_order_ids)

    def test_low_answer_calls_back_once(self):
        order, _picking = self._delivered()
        run_queued_crons(self.env)
        self._answer(order, overall=2, nps=8)
        callbacks = order.activity_ids.filtered(lambda a: a.activity_type_id == self.env.ref(
            "customer_service_process.mail_activity_survey_callback"))
        self.assertEqual(len(callbacks), 1)
        self.assertEqual(callbacks.user_id, self.manager)
        self.assertEqual(order.csp_nps_category, "passive")

    def test_reps_see_only_their_customers_answers(self):
        order, _picking = self._delivered()
        run_queued_crons(self.env)
        self._answer(order, overall=4, nps=10)
        self.assertEqual(order.with_user(self.rep).csp_satisfaction_score, 4)
        with self.assertRaises(AccessError):
            order.with_user(self.rep2).read(["csp_satisfaction_score"])


@tagged("post_install", "-at_install")
class TestComplaints(AfterSalesCase):

    def _complaint(self, user, order, **values):
        with Form(self.env["csp.complaint"].with_user(user)) as form:
            form.partner_id = order.partner_id
            form.order_id = order
            form.type_id = self.env.ref("customer_service_process.complaint_type_quality")
            form.description = "The impeller rattles"
            form.channel = "visit"
            for name, value in values.items():
                setattr(form, name, value)
            with form.line_ids.new() as line:
                line.product_id = self.spare_part
                line.quantity = 2
        return form.record

    def test_rep_registers_a_complaint_with_deadline_and_activity(self):
        order, _picking = self._delivered()
        with self.at("2026-03-02 14:00:00"):  # Monday
            complaint = self._complaint(self.rep, order)
        self.assertTrue(complaint.name.startswith("CMP/"))
        self.assertEqual(complaint.user_id, self.manager, "the head of sales by default")
        self.assertEqual(complaint.stage_id.code, "new")
        # 10 working days of 8 h from Monday 14:00, Thursday 5 March a holiday.
        self.assertEqual(complaint.date_deadline, datetime(2026, 3, 17, 14, 0))
        activity = complaint.activity_ids
        self.assertEqual(activity.user_id, self.manager)
        self.assertEqual(activity.date_deadline.isoformat(), "2026-03-17")
        self.assertIn(complaint.name, order.message_ids[0].body)

    def test_responsible_changes_per_stage_and_closing_is_measured(self):
        order, _picking = self._delivered()
        in_progress = self.env.ref("customer_service_process.complaint_stage_in_progress")
        in_progress.user_id = self.head_office
        with self.at("2026-03-02 14:00:00"):
            complaint = self._complaint(self.head_office, order)
        with self.at("2026-03-03 09:00:00"):
            complaint.with_user(self.manager).stage_id = in_progress
        self.assertEqual(complaint.user_id, self.head_office)
        self.assertEqual(complaint.activity_ids.user_id, self.head_office)
        with self.at("2026-03-04 10:00:00"):
            complaint.with_user(self.manager).write({
                "stage_id": self.env.ref("customer_service_process.complaint_stage_closed").id,
                "resolution": "repair", "root_cause": "Loose fixing"})
        self.assertTrue(complaint.is_closed)
        self.assertEqual(complaint.closed_at, datetime(2026, 3, 4, 10, 0))
        # Monday 14-16 (2 h) + Tuesday (8 h) + Wednesday 8-10 (2 h) = 1.5 days.
        self.assertAlmostEqual(complaint.resolution_days, 1.5)
        self.assertTrue(complaint.resolved_on_time)
        self.assertFalse(complaint.activity_ids)

    def test_complaint_on_another_customers_order_is_refused(self):
        order, _picking = self._delivered()
        with self.assertRaises(ValidationError):
            self.env["csp.complaint"].with_user(self.head_office).create({
                "partner_id": self.customer.id, "order_id": order.id,
                "type_id": self.env.ref("customer_service_process.complaint_type_service").id,
                "description": "Not his order"})
        self.assertFalse(self.env["csp.complaint"].search([("order_id", "=", order.id)]))

    def test_quantity_above_delivered_is_refused(self):
        order, _picking = self._delivered(quantity=5)
        with self.assertRaises(ValidationError):
            self.env["csp.complaint"].with_user(self.head_office).create({
                "partner_id": order.partner_id.id, "order_id": order.id,
                "type_id": self.env.ref("customer_service_process.complaint_type_quality").id,
                "description": "Too many",
                "line_ids": [(0, 0, {"product_id": self.spare_part.id, "quantity": 6})]})

    def test_rep2_cannot_see_rep1s_complaints(self):
        order, _picking = self._delivered()
        complaint = self._complaint(self.rep, order)
        self.assertFalse(self.env["csp.complaint"].with_user(self.rep2).search(
            [("id", "=", complaint.id)]))
        with self.assertRaises(AccessError):
            complaint.with_user(self.rep2).read(["name"])

    def test_dispute_on_the_delivery_page_becomes_a_complaint(self):
        order = self._order(quantity=5)
        picking = self._ship(order)
        dispute = picking._csp_report_dispute(
            "Jan", [(picking.move_ids, "damaged", 2.0, "Cracked")], remarks="Pallet fell")
        complaint = dispute.complaint_id
        self.assertTrue(complaint)
        self.assertEqual(complaint.type_id.code, "missing_damaged")
        self.assertEqual(complaint.channel, "portal")
        self.assertEqual(complaint.picking_id, picking)
        self.assertEqual(complaint.line_ids.product_id, self.spare_part)
        self.assertEqual(complaint.line_ids.quantity, 2.0)
        self.assertIn("Damaged", complaint.line_ids.note)
        self.assertIn("Pallet fell", complaint.description)

    def test_return_and_credit_note_linked_and_invoice_disputed_while_open(self):
        order, _picking = self._delivered(quantity=5, invoiced=True)
        invoice = order.invoice_ids
        complaint = self._complaint(self.head_office, order, type_id=self.env.ref(
            "customer_service_process.complaint_type_quality"))
        self.assertTrue(invoice.csp_disputed)
        self.assertIn(complaint.name, invoice.csp_dispute_reason)

        action = complaint.with_user(self.head_office).action_csp_create_return()
        for quantity in (6, 2):
            wizard = Form(self.env[action["res_model"]].with_user(self.head_office).with_context(
                **action["context"]))
            with wizard.product_return_moves.edit(0) as line:
                line.quantity = quantity
            if quantity > 5:
                with self.assertRaises(UserError):
                    wizard.save().action_create_returns()
                self.assertFalse(complaint.return_picking_ids)
            else:
                wizard.save().action_create_returns()
        returned = complaint.return_picking_ids
        self.assertEqual(len(returned), 1)
        returned.move_ids.quantity = 2
        returned.with_user(self.head_office).button_validate()
        self.assertEqual(complaint.line_ids.returned_qty, 2.0)

        action = complaint.with_user(self.accountant).action_csp_create_credit_note()
        reversal = Form(self.env[action["res_model"]].with_user(self.accountant).with_context(
            **action["context"]))
        reversal.reason = "Two impellers returned"
        reversal.save().refund_moves()
        self.assertEqual(len(complaint.credit_note_ids), 1)
        self.assertEqual(complaint.credit_note_ids.move_type, "out_refund")

        complaint.with_user(self.manager).stage_id = self.env.ref(
            "customer_service_process.complaint_stage_closed")
        self.assertFalse(invoice.csp_disputed)
        self.assertFalse(invoice.csp_dispute_reason)

    def test_replacement_delivery_is_linked(self):
        order, _picking = self._delivered(quantity=5)
        complaint = self._complaint(self.head_office, order, type_id=self.env.ref(
            "customer_service_process.complaint_type_wrong_item"))
        action = complaint.with_user(self.head_office).action_csp_create_return()
        wizard = Form(self.env[action["res_model"]].with_user(self.head_office).with_context(
            **action["context"]))
        with wizard.product_return_moves.edit(0) as line:
            line.quantity = 2
        wizard.save().action_create_exchanges()
        self.assertEqual(len(complaint.return_picking_ids), 1)
        self.assertEqual(len(complaint.replacement_picking_ids), 1)
        self.assertEqual(complaint.replacement_picking_ids.move_ids.product_uom_qty, 2)
        complaint.write({"resolution": "replacement"})
        self.assertEqual(complaint.resolution, "replacement")

    def test_complaint_by_email(self):
        complaint = self.env["csp.complaint"].message_new({
            "subject": "Broken pump", "body": "<p>The housing is cracked.</p>",
            "email_from": self.rep_customer.email, "author_id": False})
        self.assertEqual(complaint.partner_id, self.rep_customer)
        self.assertEqual(complaint.channel, "email")
        self.assertIn("housing is cracked", complaint.description)

    def test_customer_returns_are_counted(self):
        order, _picking = self._delivered(quantity=5)
        complaint = self._complaint(self.head_office, order)
        action = complaint.action_csp_create_return()
        wizard = Form(self.env[action["res_model"]].with_context(**action["context"]))
        with wizard.product_return_moves.edit(0) as line:
            line.quantity = 1
        wizard.save().action_create_returns()
        complaint.return_picking_ids.move_ids.quantity = 1
        complaint.return_picking_ids.button_validate()
        action = self.env.ref("customer_service_process.action_csp_customer_returns")
        returns = self.env["stock.move"].search(safe_eval(action.domain))
        self.assertEqual(sum(returns.mapped("quantity")), 1.0)
        self.assertEqual(returns.csp_returned_by_id, self.rep_customer)
        rows = self.env["stock.move"]._read_group(
            safe_eval(action.domain), ["product_id", "csp_returned_by_id"], ["quantity:sum"])
        self.assertEqual(rows, [(self.spare_part, self.rep_customer, 1.0)])


@tagged("post_install", "-at_install")
class TestAfterSalesPortal(HttpCase, AfterSalesCase):

    def test_portal_customer_sees_only_his_complaints_and_writes(self):
        portal = new_test_user(self.env, login="csp_portal_rep1", groups="base.group_portal",
                               partner_id=self.rep_contact.id, password="csp_portal_rep1")
        order, _picking = self._delivered()
        mine = self.env["csp.complaint"].create({
            "partner_id": self.rep_customer.id, "order_id": order.id,
            "type_id": self.env.ref("customer_service_process.complaint_type_service").id,
            "description": "Driver was rude"})
        other = self.env["csp.complaint"].create({
            "partner_id": self.rep2_customer.id,
            "type_id": self.env.ref("customer_service_process.complaint_type_service").id,
            "description": "Someone else's"})
        visible = self.env["csp.complaint"].with_user(portal).search([])
        self.assertEqual(visible, mine)
        self.authenticate("csp_portal_rep1", "csp_portal_rep1")
        listing = self.url_open("/my/complaints")
        self.assertIn(mine.name, listing.text)
        self.assertNotIn(other.name, listing.text)
        page = self.url_open(f"/my/complaints/{mine.id}")
        self.assertIn("Driver was rude", page.text)
        foreign = self.url_open(f"/my/complaints/{other.id}")
        self.assertNotIn("Someone else", foreign.text)
        # He writes a message on his complaint through the portal chatter.
        self.make_jsonrpc_request("/mail/message/post", {
            "thread_model": "csp.complaint", "thread_id": mine.id,
            "post_data": {"body": "When will you call?", "message_type": "comment"}})
        self.assertIn("When will you call?", mine.message_ids[0].body)
        self.assertEqual(mine.message_ids[0].author_id, self.rep_contact)

    def test_forged_survey_token_saves_nothing(self):
        order, _picking = self._delivered()
        run_queued_crons(self.env)
        answer = order.sudo().csp_survey_input_id
        question = self.survey.question_ids.filtered(lambda q: q.csp_metric == "overall")
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"/survey/submit/{self.survey.access_token}/forged-{answer.access_token}",
                data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": {
                    str(question.id): "1"}}),
                headers={"Content-Type": "application/json"})
        result = response.json().get("result")
        self.assertTrue(result and result[1].get("error"), result)
        self.assertFalse(answer.user_input_line_ids)
        self.assertFalse(order.csp_feedback_at)
