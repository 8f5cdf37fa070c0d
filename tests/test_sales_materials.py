from datetime import datetime
from unittest.mock import patch

from odoo.addons.mail.tests.common import MockEmail
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import MaterialCase, run_queued_crons


@tagged("post_install", "-at_install")
class TestSalesMaterials(MaterialCase, MockEmail):

    def test_approval_sends_once_to_each_customer_of_the_audience(self):
        material = self._material(audience="rep", rep_id=self.rep)
        with self.at("2026-03-02 14:00:00"):
            material.with_user(self.manager).action_approve()
        sends = material.send_ids
        self.assertEqual(sends.partner_id, self.rep_customer)
        self.assertEqual(len(self._material_mails(material)), 1)
        mail = self._material_mails(material)
        self.assertIn(sends._csp_link(self._material_token(sends)), mail.body_html)
        self.assertEqual(mail.recipient_ids, self.rep_customer)
        self.assertFalse(mail.model)
        # Approving again, or sending again, sends nothing more.
        with self.assertRaises(UserError):
            material.with_user(self.manager).action_approve()
        material.sudo()._csp_send_to(self.rep_customer)
        self.assertEqual(len(material.send_ids), 1)

    def test_five_hours_measured_over_a_night(self):
        material = self._material(audience="rep", rep_id=self.rep)
        with self.at("2026-03-02 14:00:00"):  # Monday
            material.with_user(self.manager).action_approve()
        send = material.send_ids
        with self.at("2026-03-02 15:00:00"), self.mock_mail_gateway():
            self._material_mails(material).send()
        self.assertEqual(send.sent_at, datetime(2026, 3, 2, 15, 0))
        self.assertAlmostEqual(send.hours_to_send, 1.0)
        with self.at("2026-03-03 10:30:00"):  # Tuesday: 2 h on Monday + 2.5 h
            send._csp_mark_received("email")
        self.assertAlmostEqual(send.hours_to_receive, 4.5)
        self.assertTrue(send.on_time)
        self.assertEqual(material.on_time_rate, 100.0)

    def test_rep_hands_over_but_cannot_approve(self):
        material = self._material(audience="rep", rep_id=self.rep)
        with self.assertRaises(AccessError):
            material.with_user(self.rep).action_approve()
        material.with_user(self.manager).action_approve()
        send = material.send_ids.with_user(self.rep)
        send.action_hand_over()
        self.assertEqual(send.channel, "hand")
        self.assertEqual(send.handed_by_id, self.rep)
        self.assertTrue(send.received_at)
        self.assertFalse(material.send_ids.with_user(self.rep2).search(
            [("id", "=", send.id)]))

    def test_bad_input_sends_nothing(self):
        empty = self._material(attachment_ids=self.env["ir.attachment"])
        empty.sudo().attachment_ids = False
        with self.assertRaises(UserError):
            empty.with_user(self.manager).action_approve()
        no_category = self._material(audience="category")
        with self.assertRaises(UserError):
            no_category.with_user(self.manager).action_approve()
        with self.assertRaises(ValidationError):
            self._material(valid_from="2026-03-10", valid_to="2026-03-01")
        expired = self._material(valid_from="2020-01-01", valid_to="2020-12-31")
        with self.assertRaises(UserError):
            expired.with_user(self.manager).action_approve()
        draft = self._material()
        with self.assertRaises(UserError):
            draft.sudo()._csp_send_to(self.customer)
        self.assertFalse(self.env["csp.sales.material.send"].search(
            [("material_id", "in", (empty | no_category | expired | draft).ids)]))

    def test_new_customers_get_the_current_materials(self):
        material = self._material(audience="new")
        material.with_user(self.manager).action_approve()
        self.assertFalse(material.send_ids)
        newcomer = self.env["res.partner"].create({
            "name": "Newcomer Ltd", "is_company": True, "customer_rank": 1,
            "email": "new@test.example.com"})
        self._stock(self.spare_part, 5)
        order = self._quotation(self.head_office, newcomer, self.spare_part, 1)
        order.with_user(self.head_office).action_confirm()
        self.assertEqual(material.send_ids.partner_id, newcomer)

    def test_a_thousand_customers_queued_then_mailed_in_committed_batches(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "customer_service_process.batch_size.material_mail", "200")
        IrCron = self.registry["ir.cron"]
        commit_progress = IrCron._commit_progress

        def approve(count):
            partners = self.env["res.partner"].create([{
                "name": f"Audience {count}-{i}", "customer_rank": 1, "is_company": True,
                "email": f"a{count}-{i}@test.example.com"} for i in range(count)])
            category = self.env["res.partner.category"].create({"name": f"Audience {count}"})
            partners.category_id = category
            material = self._material(audience="category", category_id=category)
            _none, approving = self._queries(material.with_user(self.manager).action_approve)
            # The button answers at once: the sends are queued, no mail yet.
            self.assertEqual(len(material.send_ids), count)
            self.assertEqual(set(material.send_ids.mapped("mail_state")), {"queued"})
            self.assertFalse(self.env["mail.mail"].sudo().search_count(
                [("csp_material_send_id.material_id", "=", material.id)]))
            committed = []

            def spy(cron, processed=0, **kwargs):
                committed.append(processed)
                return commit_progress(cron, processed, **kwargs)

            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            with patch.object(IrCron, "_commit_progress", spy):
                run_queued_crons(self.env)
            mailing = self.env.cr.sql_log_count - before
            self.assertEqual(len(self._material_mails(material)), count)
            self.assertEqual(set(material.send_ids.mapped("mail_state")), {"mailed"})
            return approving, mailing, [done for done in committed if done]

        approve(10)
        few = approve(10)
        many = approve(1000)
        # Approving: nothing per customer (the ORM inserts 100 sends a
        # statement).  Mailing: five committed batches of 200, each costing
        # what one batch of 10 costs plus its rows' inserts.
        self.assertLessEqual(many[0] - few[0], 4 * (1000 // 100))
        self.assertEqual(many[2], [200] * 5)
        self.assertLessEqual(many[1], 5 * few[1] + 4 * (1000 // 100) * 4)

    def test_a_send_whose_mail_fails_does_not_stop_the_others(self):
        material = self._material(audience="all", valid_from="2020-01-01")
        material.with_user(self.manager).action_approve()
        broken = material.send_ids[:1]
        Send = type(self.env["csp.sales.material.send"])
        queue_mails = Send._csp_queue_mails

        def failing(sends, tokens):
            if broken in sends:
                raise RuntimeError("Mail server on strike")
            return queue_mails(sends, tokens)

        with patch.object(Send, "_csp_queue_mails", failing), \
                mute_logger("odoo.addons.customer_service_process.models.csp_batch"):
            run_queued_crons(self.env)
        self.assertEqual(broken.mail_state, "failed")
        self.assertIn("Mail server on strike", broken.mail_error)
        others = material.send_ids - broken
        self.assertTrue(others)
        self.assertEqual(set(others.mapped("mail_state")), {"mailed"})
        self.assertEqual(len(self._material_mails(material)), len(others))


@tagged("post_install", "-at_install")
class TestMaterialsPortal(HttpCase, MaterialCase):

    def test_link_records_receipt_and_expired_material_disappears(self):
        portal = new_test_user(self.env, login="csp_portal_material", groups="base.group_portal",
                               partner_id=self.rep_contact.id, password="csp_portal_material")
        current = self._material(audience="rep", rep_id=self.rep, name="Current leaflet",
                                 valid_from="2020-01-01")
        current.with_user(self.manager).action_approve()
        send = current.send_ids
        token = self._material_token(send)
        with mute_logger("odoo.http", "werkzeug"):
            self.assertEqual(self.url_open(f"/csp/material/{send.id}/wrong").status_code, 404)
        page = self.url_open(f"/csp/material/{send.id}/{token}")
        self.assertIn("pumps-2026.pdf", page.text)
        self.assertTrue(send.received_at)
        self.assertEqual(send.channel, "email")
        self.assertTrue(portal)
        self.authenticate("csp_portal_material", "csp_portal_material")
        self.assertIn("Current leaflet", self.url_open("/my/materials").text)
        current.sudo().valid_to = "2021-01-01"
        self.assertNotIn("Current leaflet", self.url_open("/my/materials").text)
        # The link of an expired material says so, with the company's contact.
        self.authenticate(None, None)
        expired = self.url_open(f"/csp/material/{send.id}/{token}")
        self.assertEqual(expired.status_code, 410)
        self.assertIn("no longer available", expired.text)
        self.assertIn(self.company.name, expired.text)
        self.assertNotIn("pumps-2026.pdf", expired.text)
        file = self.url_open(f"/csp/material/{send.id}/{token}/{self.leaflet.id}")
        self.assertEqual(file.status_code, 410)
        self.assertNotEqual(file.content, self.leaflet.raw)
        with mute_logger("odoo.http", "werkzeug"):
            self.assertEqual(self.url_open(f"/csp/material/{send.id}/wrong").status_code, 404)
