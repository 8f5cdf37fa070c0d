import base64
import json
from datetime import datetime

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, tagged
from odoo.tools import mute_logger

from .common import DeliveryCase, png, run_queued_crons


class TestDispatchAndConfirmation(DeliveryCase):

    def test_dispatch_notice_tells_what_who_and_tracking(self):
        order = self._order()
        with self.at("2026-03-02 10:00:00"):
            picking = self._ship(order)
        self.assertEqual(picking.csp_delivery_state, "shipped")
        self.assertEqual(order.csp_distribution_state, "shipped")
        self.assertEqual(order.csp_stage_id.code, "shipped")
        mail = self._dispatch_mails(picking)
        self.assertEqual(len(mail), 1)
        self.assertIn("TRK-42", mail.body_html)
        self.assertIn("Test Express", mail.body_html)
        self.assertIn("Test spare part", mail.body_html)
        token = self._mailed_token(picking)
        self.assertIn(f"{picking.get_base_url()}/csp/delivery/{picking.id}/{token}",
                      mail.body_html)
        self.assertEqual(mail.recipient_ids, self.rep_customer)
        self.assertFalse(mail.model)
        self.assertIn("TRK-42", order.message_ids[0].body)

    def test_rep_confirms_at_the_customers_with_a_signature(self):
        order = self._order()
        with self.at("2026-03-02 10:00:00"):
            picking = self._ship(order)
        with self.at("2026-03-03 11:00:00"):
            action = picking.with_user(self.rep).action_csp_confirm_delivery()
            with Form(self.env[action["res_model"]].with_user(self.rep).with_context(
                    **action["context"])) as wizard:
                self.assertEqual(wizard.received_by, "Rep One Customer")
                wizard.received_by = "Jan Odbiorca"
                wizard.signature = png()
                wizard.remarks = "All fine"
            wizard.record.action_confirm()
        self.assertEqual(picking.csp_delivery_state, "confirmed")
        self.assertEqual(picking.csp_confirmation_channel, "rep")
        self.assertEqual(picking.csp_confirmed_by, "Jan Odbiorca")
        self.assertEqual(picking.csp_confirmed_user_id, self.rep)
        self.assertTrue(picking.csp_signature)
        self.assertEqual(order.csp_stage_id.code, "delivered")
        self.assertEqual(order.csp_delivered_at, datetime(2026, 3, 3, 11, 0))
        self.assertNotEqual(order.csp_sla_kind, "fulfilment", "the confirmation closes it")
        self.assertTrue(picking.message_ids.filtered(lambda m: "Jan Odbiorca" in m.body))
        with self.assertRaises(UserError):
            picking.with_user(self.rep).action_csp_confirm_delivery()

    def test_rep_cannot_confirm_another_reps_customer(self):
        order = self._order()
        picking = self._ship(order)
        with self.assertRaises(AccessError):
            picking.with_user(self.rep2).action_csp_confirm_delivery()
        wizard = self.env["csp.delivery.confirm"].with_user(self.rep2).create({
            "picking_id": picking.id, "received_by": "Someone"})
        with self.assertRaises(AccessError):
            wizard.action_confirm()
        self.assertFalse(picking.csp_confirmed_at)

    def test_an_answer_already_being_recorded_is_told_at_once(self):
        """Two answers at once: the second finds the row locked (or changed
        since it began) and says so, instead of a serialization failure."""
        # A committed delivery (demo data), locked by another transaction.
        picking = self.env["stock.picking"].search([], limit=1)
        with self.registry.cursor() as other:
            other.execute("SELECT 1 FROM stock_picking WHERE id = %s FOR UPDATE", [picking.id])
            self.assertFalse(picking._csp_lock_for_answer())
        self.assertTrue(picking._csp_lock_for_answer())

    def test_bad_signature_or_photo_saves_nothing(self):
        picking = self._ship(self._order())
        with self.assertRaises(ValidationError):
            picking._csp_confirm("Jan", "rep", signature=base64.b64encode(b"not an image"))
        with self.assertRaises(ValidationError):
            picking._csp_confirm("Jan", "rep", signature="%%%")
        big = base64.b64encode(b"\x89PNG" + b"0" * (6 * 1024 * 1024))
        with self.assertRaises(ValidationError) as caught:
            picking._csp_confirm("Jan", "rep", photo=big)
        self.assertIn("too large", str(caught.exception))
        with self.assertRaises(UserError):
            picking._csp_confirm("  ", "rep")
        self.assertFalse(picking.csp_confirmed_at)
        self.assertEqual(picking.csp_delivery_state, "shipped")

    def test_cancelled_or_unshipped_delivery_cannot_be_confirmed(self):
        order = self._order()
        picking = order.picking_ids.with_user(self.head_office)
        with self.assertRaises(UserError):
            picking._csp_confirm("Jan", "rep")
        picking.action_cancel()
        with self.assertRaises(UserError) as caught:
            picking._csp_confirm("Jan", "rep")
        self.assertIn("cancelled", str(caught.exception))

    def test_partial_delivery_and_backorder_are_confirmed_each_on_its_own(self):
        order = self._order(quantity=5)
        first = self._ship(order, quantity=3, backorder=True)
        backorder = order.picking_ids - first
        self.assertEqual(len(backorder), 1)
        first._csp_confirm("Jan", "rep")
        self.assertEqual(first.csp_delivery_state, "confirmed")
        self.assertEqual(order.csp_distribution_state, "ready")
        self.assertNotEqual(order.csp_stage_id.code, "delivered")
        second = self._ship(order)
        self.assertEqual(second, backorder)
        self.assertEqual(order.csp_distribution_state, "shipped")
        second._csp_confirm("Jan", "rep")
        self.assertEqual(order.csp_distribution_state, "confirmed")
        self.assertEqual(order.csp_stage_id.code, "delivered")

    def test_dispute_records_lines_and_checks_quantities(self):
        order = self._order(quantity=5)
        picking = self._ship(order)
        move = picking.move_ids
        with self.assertRaises(UserError):
            picking._csp_report_dispute("Jan", [(move, "damaged", 6.0, "")])
        self.assertFalse(picking.csp_dispute_ids)
        dispute = picking._csp_report_dispute("Jan", [(move, "damaged", 2.0, "Cracked")],
                                              remarks="Box was wet")
        self.assertEqual(dispute.line_ids.problem, "damaged")
        self.assertEqual(dispute.line_ids.quantity, 2.0)
        self.assertEqual(picking.csp_delivery_state, "disputed")
        self.assertEqual(order.csp_distribution_state, "disputed")
        activity = order.activity_ids.filtered(lambda a: a.activity_type_id == self.env.ref(
            "customer_service_process.mail_activity_delivery_dispute"))
        self.assertEqual(activity.user_id, self.rep)
        with self.assertRaises(UserError):
            picking._csp_confirm("Jan", "rep")
        # The rep sees his customer's dispute, rep2 does not.
        self.assertTrue(dispute.with_user(self.rep).read(["name"]))
        with self.assertRaises(AccessError):
            dispute.with_user(self.rep2).read(["name"])

    def test_reminder_then_automatic_confirmation_once_each(self):
        order = self._order()
        with self.at("2026-03-02 10:00:00"):
            picking = self._ship(order)
        with self.at("2026-03-04 10:00:00"):
            run_queued_crons(self.env)
        self.assertFalse(picking.csp_reminded_at)
        for _run in range(2):
            with self.at("2026-03-05 11:00:00"):
                run_queued_crons(self.env)
        reminders = self.env["mail.mail"].sudo().search([
            ("subject", "ilike", f"did you receive {order.name}")])
        self.assertEqual(len(reminders), 1)
        self.assertEqual(reminders.recipient_ids, picking.partner_id)
        self.assertEqual(picking.csp_reminded_at, datetime(2026, 3, 5, 11, 0))
        for _run in range(2):
            with self.at("2026-03-12 11:00:00"):
                run_queued_crons(self.env)
        self.assertEqual(picking.csp_confirmation_channel, "auto")
        self.assertEqual(picking.csp_confirmed_at, datetime(2026, 3, 12, 11, 0))
        self.assertEqual(len(picking.message_ids.filtered(
            lambda m: "Delivery confirmed" in (m.body or ""))), 1)
        self.assertEqual(order.csp_stage_id.code, "delivered")


@tagged("post_install", "-at_install")
class TestProductionFollowUp(DeliveryCase):

    def test_last_mo_done_tells_the_customer_once(self):
        self._stock(self.component, 10)
        order = self._order(quantity=2, product=self.pump)
        production = order.sudo().mrp_production_ids.with_user(self.head_office)
        self.assertEqual(order.csp_production_ids, production.sudo())
        production.action_assign()
        with Form(production) as mo:
            mo.qty_producing = 2
        production.button_mark_done()
        self.end_request()
        self.assertEqual(order.csp_stage_id.code, "produced")
        messages = order.message_ids.filtered(lambda m: "is produced" in (m.subject or ""))
        self.assertEqual(len(messages), 1)
        self.assertIn(order.partner_id, messages.partner_ids)
        # Later steps do not repeat it.
        self._ship(order)
        self.end_request()
        order.invalidate_recordset()
        messages = order.message_ids.filtered(lambda m: "is produced" in (m.subject or ""))
        self.assertEqual(len(messages), 1)

    def test_late_production_gets_one_activity(self):
        production = self._late_production()
        self.assertTrue(production.csp_late)
        self.assertIn(production, self.env["mrp.production"].search([("csp_late", "=", True)]))
        for _run in range(2):
            run_queued_crons(self.env)
        activities = production.activity_ids.filtered(lambda a: a.activity_type_id == self.env.ref(
            "customer_service_process.mail_activity_production_late"))
        self.assertEqual(len(activities), 1)

    def test_rep_sees_only_his_orders_productions(self):
        self._stock(self.component, 10)
        order = self._order(quantity=1, product=self.pump)
        production = order.sudo().mrp_production_ids
        self.assertEqual(order.with_user(self.rep).csp_production_ids.mapped("name"),
                         [production.name])
        with self.assertRaises(AccessError):
            production.with_user(self.rep2).read(["name"])


@tagged("post_install", "-at_install")
class TestDeliveryPortalPage(HttpCase, DeliveryCase):
    """The customer's link: his token, once; nothing for anyone else."""

    def _url(self, picking, token=None, suffix=""):
        return f"/csp/delivery/{picking.id}/{token or self._mailed_token(picking)}{suffix}"

    def _confirm(self, picking, token, **params):
        response = self.url_open(
            self._url(picking, token, "/confirm"),
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}),
            headers={"Content-Type": "application/json"})
        return response.json()["result"]

    def test_valid_wrong_and_foreign_tokens(self):
        picking = self._ship(self._order())
        other = self._ship(self._order(quantity=1))
        token = self._mailed_token(picking)
        page = self.url_open(self._url(picking))
        self.assertEqual(page.status_code, 200)
        self.assertIn("Test spare part", page.text)
        self.assertIn("TRK-42", page.text)
        with mute_logger("odoo.http", "werkzeug"):
            self.assertEqual(self.url_open(self._url(picking, "wrong")).status_code, 404)
            self.assertEqual(self.url_open(self._url(picking, token[:-2] + "zz")).status_code, 404)
            foreign = self.url_open(self._url(picking, self._mailed_token(other)))
        self.assertEqual(foreign.status_code, 404)
        self.assertNotIn("Test spare part", foreign.text)

    def test_confirm_once_then_the_link_is_dead(self):
        picking = self._ship(self._order())
        token = self._mailed_token(picking)
        result = self._confirm(picking, token, name="Jan Odbiorca",
                               signature=png().decode())
        self.assertTrue(result.get("force_refresh"), result)
        self.assertEqual(picking.csp_confirmation_channel, "portal")
        self.assertEqual(picking.csp_confirmed_by, "Jan Odbiorca")
        self.assertTrue(picking.csp_signature)
        again = self._confirm(picking, token, name="Someone else")
        self.assertIn("already answered", again["error"])
        self.assertEqual(picking.csp_confirmed_by, "Jan Odbiorca")
        # The used link says what was recorded, without the form.
        used = self.url_open(self._url(picking, token))
        self.assertEqual(used.status_code, 410)
        self.assertRegex(used.text, r"Confirmed on [\d/.-]+ by Jan Odbiorca\.")
        self.assertNotIn("o_csp_confirm_form", used.text)
        # The thank-you page the signature form goes to says the same.
        thanks = self.url_open(self._url(picking, token, "/done"))
        self.assertEqual(thanks.status_code, 200)
        self.assertIn("Thank you", thanks.text)
        self.assertIn("by Jan Odbiorca", thanks.text)

    def test_remarks_and_photo_then_confirmation(self):
        picking = self._ship(self._order())
        token = self._mailed_token(picking)
        page = self.url_open(self._url(picking))
        csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        oversized = base64.b64decode(png()) + b"0" * (6 * 1024 * 1024)
        refused = self.url_open(self._url(picking, token, "/note"), data={
            "csrf_token": csrf, "remarks": "Left at the gate"},
            files={"photo": ("big.png", oversized, "image/png")})
        self.assertIn("too large", refused.text)
        self.assertFalse(picking.csp_remarks)
        saved = self.url_open(self._url(picking, token, "/note"), data={
            "csrf_token": csrf, "remarks": "Left at the gate"},
            files={"photo": ("photo.png", base64.b64decode(png()), "image/png")})
        self.assertIn("are saved", saved.text)
        self.assertFalse(picking.csp_confirmed_at)
        self._confirm(picking, token, name="Jan", signature=png().decode())
        self.assertEqual(picking.csp_delivery_state, "confirmed")
        self.assertEqual(picking.csp_remarks, "Left at the gate")
        self.assertTrue(picking.csp_photo)

    def test_bad_signature_from_the_page_is_refused(self):
        picking = self._ship(self._order())
        token = self._mailed_token(picking)
        result = self._confirm(picking, token, name="Jan", signature="bm90IGFuIGltYWdl")
        self.assertIn("not an image", result["error"])
        self.assertFalse(picking.csp_confirmed_at)

    def test_dispute_with_a_damaged_line(self):
        picking = self._ship(self._order(quantity=5))
        token = self._mailed_token(picking)
        page = self.url_open(self._url(picking))
        csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        move = picking.move_ids
        too_many = self.url_open(self._url(picking, token, "/dispute"), data={
            "csrf_token": csrf, "name": "Jan", f"problem_{move.id}": "damaged",
            f"quantity_{move.id}": "9"})
        self.assertEqual(too_many.status_code, 400, "refused, with the page and why")
        self.assertIn("between 0 and", too_many.text)
        self.assertFalse(picking.csp_dispute_ids)
        done = self.url_open(self._url(picking, token, "/dispute"), data={
            "csrf_token": csrf, "name": "Jan", f"problem_{move.id}": "damaged",
            f"quantity_{move.id}": "2", f"note_{move.id}": "Cracked housing",
            "remarks": "Pallet fell"}, files={"photo": ("photo.png", base64.b64decode(png()),
                                                        "image/png")})
        self.assertEqual(done.status_code, 200)
        self.assertIn("Thank you", done.text)
        dispute = picking.csp_dispute_ids
        self.assertEqual(dispute.line_ids.problem, "damaged")
        self.assertEqual(dispute.line_ids.quantity, 2.0)
        self.assertTrue(dispute.photo)
        self.assertEqual(picking.csp_delivery_state, "disputed")
        self.assertIn("Disputed on", done.text)
        self.assertIn("Cracked housing", done.text)
        used = self.url_open(self._url(picking, token))
        self.assertEqual(used.status_code, 410)
        self.assertRegex(used.text, r"Disputed on [\d/.-]+ by Jan\.")
        self.assertNotIn("Report the problem", used.text)
        # A second report through the used link records nothing.
        again = self.url_open(self._url(picking, token, "/dispute"), data={
            "csrf_token": csrf, "name": "Jan", f"problem_{move.id}": "missing",
            f"quantity_{move.id}": "1"})
        self.assertEqual(again.status_code, 410)
        self.assertEqual(len(picking.csp_dispute_ids), 1)

    def test_customer_signs_on_his_phone(self):
        self.browser_size = "375x667"
        self.touch_enabled = True
        picking = self._ship(self._order())
        self.start_tour(self._url(picking), "csp_customer_confirms_delivery")
        self.assertEqual(picking.csp_confirmation_channel, "portal")
        self.assertTrue(picking.csp_signature)
        self.assertEqual(picking.csp_delivery_state, "confirmed")
