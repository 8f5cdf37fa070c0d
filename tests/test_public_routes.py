"""The public routes and the personal links (issue 13: links reach only their
recipient; public routes).

Every public route is tried with the right token, a wrong one, an altered
one, another record's, the stored digest and a used one; uploads with too
many pixels (a small file that would decode to gigabytes) and broken files;
posts without a CSRF token; file names no header can hold as they are.  The
mails carrying links are checked for their recipient, and the messages the
other users can read (through JSON-RPC, as themselves) for the token.
"""

import base64
import hashlib
import importlib.util
import io
import json
import re
from unittest.mock import patch

from werkzeug.http import parse_options_header

from odoo.addons.base.models.ir_actions_report import IrActionsReport
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.misc import file_path
from odoo.tools.pdf import PdfFileReader

from ..models.stock_picking import decode_image
from .common import (
    OVERSIZE,
    AfterSalesCase,
    ApprovalCase,
    DeliveryCase,
    DunningCase,
    FeasibilityLinkPages,
    LinkCase,
    MaterialCase,
    blank_png,
    png,
    run_queued_crons,
)
from .outside import pdf_text

BOMB = (14000, 14000)  # beyond what Pillow itself opens


def altered(token):
    return token[:-1] + ("A" if token[-1] != "A" else "B")


class TestFeasibilityLinkRoutes(FeasibilityLinkPages, LinkCase, ApprovalCase):

    def test_approval_mail_reaches_the_approver_only(self):
        order, check = self._pending()
        token = self._mailed_token(check)
        mail = self._approval_mail(check)
        template = self.env.ref("customer_service_process.mail_template_feasibility_request")
        self.assertFalse(template.use_default_to)
        # Not the customer (Odoo's default recipient of the order), not the rep.
        self._assert_private(mail, self.manager.partner_id, token, [self.rep, self.rep2])
        self.assertEqual(check.sudo().access_token, hashlib.sha256(token.encode()).hexdigest())
        # The order's chatter says who decides, without the link.
        self.assertIn("Waiting for", order.message_ids[0].body)
        self.assertFalse(any(token in (m.body or "") for m in order.sudo().message_ids))
        # The digest itself is for administrators only.
        with self.assertRaises(AccessError):
            check.with_user(self.rep).read(["access_token"])

    def test_wrong_altered_foreign_digest_and_used_tokens(self):
        order, check = self._pending()
        _other_order, other = self._pending()
        token = self._mailed_token(check)
        other_token = self._mailed_token(other)
        self.assertNotEqual(token, other_token)
        digest = check.sudo().access_token
        with mute_logger("odoo.http", "werkzeug"):
            for bad in ("wrong", altered(token), other_token, digest):
                self.assertEqual(self._open(check, bad).status_code, 404, bad)
        page = self._open(check, token)
        self.assertEqual(page.status_code, 200)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        with mute_logger("odoo.http", "werkzeug"):
            for bad in ("wrong", altered(token), other_token, digest):
                response = self.url_open(f"/csp/feasibility/{check.id}/{bad}/decide",
                                         data={"csrf_token": csrf, "decision": "approve"})
                self.assertEqual(response.status_code, 404, bad)
        self.assertEqual(check.state, "pending")
        self.assertEqual(other.state, "pending")

        done = self._post(check, token, page, decision="approve")
        self.assertEqual(done.status_code, 200)
        self.assertEqual(check.state, "approved")
        # Kept after use: the state says the link is used, the page says so.
        self.assertEqual(check.sudo().access_token, digest)
        self.assertEqual(self._open(check, token).status_code, 410)
        replay = self.url_open(f"/csp/feasibility/{check.id}/{token}/decide",
                               data={"csrf_token": csrf, "decision": "refuse",
                                     "reason": "replayed"})
        self.assertEqual(replay.status_code, 410)
        self.assertIn("Already decided", replay.text)
        self.assertEqual(check.state, "approved")
        self.assertEqual(order.state, "sale")
        # Used or not, a wrong token learns nothing.
        with mute_logger("odoo.http", "werkzeug"):
            for bad in ("wrong", altered(token), other_token, digest):
                self.assertEqual(self._open(check, bad).status_code, 404, bad)

    def test_decided_link_says_so_and_a_wrong_token_shows_nothing(self):
        order, check = self._pending()
        token = self._mailed_token(check)
        # Decided in the backend: the mailed link tells the approver.
        self._decide(check, self.manager)
        self.assertEqual(check.state, "approved")
        used = self._open(check, token)
        self.assertEqual(used.status_code, 410)
        self.assertRegex(used.text, rf"Already decided: approved on [\d/.-]+ by "
                                    rf"{self.manager.name}\.")
        self.assertIn(order.name, used.text)
        self.assertIn(self.company.name, used.text)
        self.assertNotIn("o_csp_decision_form", used.text)
        self.assertNotIn('name="csrf_token"', used.text)
        with mute_logger("odoo.http", "werkzeug"):
            wrong = self._open(check, altered(token))
        self.assertEqual(wrong.status_code, 404)
        for secret in (order.name, order.partner_id.name, self.company.name):
            self.assertNotIn(secret, wrong.text)

    def test_refused_and_reset_links_say_what_happened(self):
        order, check = self._pending()
        token = self._mailed_token(check)
        page = self._open(check, token)
        self._post(check, token, page, decision="refuse", reason="No capacity")
        used = self._open(check, token)
        self.assertEqual(used.status_code, 410)
        self.assertIn("Already decided: refused on", used.text)
        self.assertIn("No capacity", used.text)
        _order, reset = self._pending()
        reset_token = self._mailed_token(reset)
        reset._csp_reset("the quantities changed")
        withdrawn = self._open(reset, reset_token)
        self.assertEqual(withdrawn.status_code, 410)
        self.assertIn("Withdrawn on", withdrawn.text)
        self.assertIn("the quantities changed", withdrawn.text)
        self.assertEqual(order.state, "cancel")

    def test_decision_without_csrf_token_is_refused(self):
        order, check = self._pending()
        token = self._mailed_token(check)
        with mute_logger("odoo.http", "werkzeug"):
            response = self.url_open(f"/csp/feasibility/{check.id}/{token}/decide",
                                     data={"decision": "approve"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(check.state, "pending")
        self.assertEqual(order.state, "draft")
        # The link still works for the approver.
        self.assertEqual(self._open(check, token).status_code, 200)


@tagged("post_install", "-at_install")
class TestDeliveryLinkRoutes(LinkCase, AfterSalesCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.oversize = blank_png(OVERSIZE)
        cls.bomb = blank_png(BOMB)

    def _url(self, picking, token, suffix=""):
        return f"/csp/delivery/{picking.id}/{token}{suffix}"

    def _csrf(self, picking, token):
        page = self.url_open(self._url(picking, token))
        self.assertEqual(page.status_code, 200)
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def _confirm(self, picking, token, **params):
        return self.url_open(
            self._url(picking, token, "/confirm"),
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}),
            headers={"Content-Type": "application/json"})

    def _attachments(self, picking):
        return self.env["ir.attachment"].sudo().search_count([
            ("res_model", "in", ("stock.picking", "csp.delivery.dispute")),
            ("res_id", "in", [picking.id, *picking.sudo().csp_dispute_ids.ids])])

    def test_dispatch_notice_reaches_the_delivery_address_only(self):
        with self.at("2026-03-02 10:00:00"):
            picking = self._ship(self._order())
        token = self._mailed_token(picking)
        mail = self._dispatch_mails(picking)
        # Head office validated it; the rep owns the customer: neither reads it.
        self._assert_private(mail, picking.partner_id, token, [self.head_office, self.rep])
        self.assertEqual(picking.sudo().csp_access_token,
                         hashlib.sha256(token.encode()).hexdigest())
        self.assertTrue(any("Dispatch notice sent" in (m.body or "")
                            for m in picking.message_ids))
        self.assertFalse(any(token in (m.body or "")
                             for m in picking.sudo().message_ids
                             | picking.sale_id.sudo().message_ids))

    def test_reminder_sends_a_new_link_and_the_first_stops(self):
        with self.at("2026-03-02 10:00:00"):
            picking = self._ship(self._order())
        first = self._mailed_token(picking)
        with self.at("2026-03-05 11:00:00"):
            run_queued_crons(self.env)
        second = self._mailed_token(picking)
        self.assertNotEqual(first, second)
        reminder = self.env["mail.mail"].sudo().search([
            ("subject", "ilike", f"did you receive {picking.sale_id.name}")])
        self._assert_private(reminder, picking.partner_id, second, [self.rep])
        with mute_logger("odoo.http", "werkzeug"):
            self.assertEqual(self.url_open(self._url(picking, first)).status_code, 404)
        self.assertEqual(self.url_open(self._url(picking, second)).status_code, 200)

    def test_wrong_altered_foreign_digest_and_used_tokens(self):
        picking = self._ship(self._order())
        other = self._ship(self._order(quantity=1))
        token, other_token = self._mailed_token(picking), self._mailed_token(other)
        digest = picking.sudo().csp_access_token
        csrf = self._csrf(picking, token)
        bad_tokens = ("wrong", altered(token), other_token, digest)
        with mute_logger("odoo.http", "werkzeug"):
            for bad in bad_tokens:
                self.assertEqual(self.url_open(self._url(picking, bad)).status_code, 404, bad)
                note = self.url_open(self._url(picking, bad, "/note"),
                                     data={"csrf_token": csrf, "remarks": "x"})
                self.assertEqual(note.status_code, 404, bad)
                dispute = self.url_open(self._url(picking, bad, "/dispute"), data={
                    "csrf_token": csrf, "name": "x",
                    f"problem_{picking.move_ids.id}": "damaged",
                    f"quantity_{picking.move_ids.id}": "1"})
                self.assertEqual(dispute.status_code, 404, bad)
                confirm = self._confirm(picking, bad, name="Intruder")
                self.assertEqual(confirm.status_code, 404, bad)
                self.assertIn("no longer valid", confirm.json()["result"]["error"])
        self.assertFalse(picking.csp_remarks)
        self.assertFalse(picking.csp_dispute_ids)
        self.assertFalse(picking.csp_confirmed_at)

        confirmed = self._confirm(picking, token, name="Jan Odbiorca", signature=png().decode())
        self.assertEqual(confirmed.status_code, 200)
        self.assertTrue(confirmed.json()["result"].get("force_refresh"))
        # Kept after use: the state says the link is used, the page says so.
        self.assertEqual(picking.sudo().csp_access_token, digest)
        self.assertEqual(self.url_open(self._url(picking, token)).status_code, 410)
        replay = self._confirm(picking, token, name="Someone else")
        self.assertEqual(replay.status_code, 410)
        self.assertIn("already answered", replay.json()["result"]["error"])
        note = self.url_open(self._url(picking, token, "/note"),
                             data={"csrf_token": csrf, "remarks": "late"})
        self.assertEqual(note.status_code, 410)
        self.assertEqual(picking.csp_confirmed_by, "Jan Odbiorca")
        self.assertFalse(picking.csp_remarks)
        # Used or not, a wrong token learns nothing.
        with mute_logger("odoo.http", "werkzeug"):
            for bad in bad_tokens:
                self.assertEqual(self.url_open(self._url(picking, bad)).status_code, 404, bad)
                self.assertEqual(self.url_open(self._url(picking, bad, "/done")).status_code,
                                 404, bad)
        # The other delivery's link was never touched.
        self.assertEqual(self.url_open(self._url(other, other_token)).status_code, 200)

    def test_used_link_says_what_was_recorded_and_a_wrong_token_shows_nothing(self):
        with self.at("2026-03-02 10:00:00"):
            picking = self._ship(self._order())
        token = self._mailed_token(picking)
        order = picking.sale_id
        with self.at("2026-03-04 12:00:00"):
            picking._csp_confirm("Jan Odbiorca", "portal", signature=png())
        used = self.url_open(self._url(picking, token))
        self.assertEqual(used.status_code, 410)
        self.assertIn("Confirmed on 03/04/2026 by Jan Odbiorca.", used.text)
        self.assertIn(self.company.name, used.text)
        self.assertIn("o_csp_company", used.text)
        self.assertIn(picking.name, used.text)
        # No form of any kind: nothing more to answer.
        for form in ("o_csp_confirm_form", "<form", 'name="csrf_token"', "/confirm"):
            self.assertNotIn(form, used.text)
        with mute_logger("odoo.http", "werkzeug"):
            wrong = self.url_open(self._url(picking, altered(token)))
            done = self.url_open(self._url(picking, altered(token), "/done"))
        for response in (wrong, done):
            self.assertEqual(response.status_code, 404)
            for secret in (order.name, picking.name, order.partner_id.name, "Jan Odbiorca",
                           self.company.name):
                self.assertNotIn(secret, response.text)

    def test_confirmed_by_the_rep_the_customers_link_says_so(self):
        with self.at("2026-03-02 10:00:00"):
            picking = self._ship(self._order())
        token = self._mailed_token(picking)
        with self.at("2026-03-03 12:00:00"):
            picking.with_user(self.rep)._csp_confirm("Anna Magazyn", "rep")
        used = self.url_open(self._url(picking, token))
        self.assertEqual(used.status_code, 410)
        self.assertIn("Confirmed on 03/03/2026 by Anna Magazyn.", used.text)
        self.assertIn("on the rep", used.text)

    def test_oversize_bomb_and_broken_images_are_refused_with_a_message(self):
        picking = self._ship(self._order())
        token = self._mailed_token(picking)
        csrf = self._csrf(picking, token)
        before = self._attachments(picking)
        move = picking.move_ids
        for name, data, message in (
                ("oversize.png", self.oversize, "11000 x 11000 pixels"),
                ("bomb.png", self.bomb, "more than 50 megapixels"),
                ("broken.png", base64.b64decode(png())[:60], "not an image"),
                ("notes.txt", b"just some text", "not an image")):
            note = self.url_open(self._url(picking, token, "/note"),
                                 data={"csrf_token": csrf, "remarks": "At the gate"},
                                 files={"photo": (name, data, "image/png")})
            self.assertEqual(note.status_code, 400, name)
            self.assertIn(message, note.text, name)
            dispute = self.url_open(self._url(picking, token, "/dispute"), data={
                "csrf_token": csrf, "name": "Jan", f"problem_{move.id}": "damaged",
                f"quantity_{move.id}": "1"}, files={"photo": (name, data, "image/png")})
            self.assertEqual(dispute.status_code, 400, name)
            self.assertIn(message, dispute.text, name)
            confirm = self._confirm(picking, token, name="Jan",
                                    signature=base64.b64encode(data).decode())
            self.assertEqual(confirm.status_code, 400, name)
            self.assertIn(message, confirm.json()["result"]["error"], name)
        # Nothing was stored, and the link still works.
        self.assertFalse(picking.csp_remarks)
        self.assertFalse(picking.csp_photo)
        self.assertFalse(picking.csp_dispute_ids)
        self.assertFalse(picking.csp_confirmed_at)
        self.assertEqual(self._attachments(picking), before)
        self.assertEqual(self.url_open(self._url(picking, token)).status_code, 200)

    def test_posts_without_csrf_token_are_refused(self):
        picking = self._ship(self._order())
        token = self._mailed_token(picking)
        move = picking.move_ids
        with mute_logger("odoo.http", "werkzeug"):
            note = self.url_open(self._url(picking, token, "/note"), data={"remarks": "x"})
            dispute = self.url_open(self._url(picking, token, "/dispute"), data={
                "name": "Jan", f"problem_{move.id}": "damaged", f"quantity_{move.id}": "1"})
        self.assertEqual(note.status_code, 400)
        self.assertEqual(dispute.status_code, 400)
        self.assertFalse(picking.csp_remarks)
        self.assertFalse(picking.csp_dispute_ids)

    def test_survey_invitation_reaches_the_customer_only(self):
        order, _picking = self._delivered()
        with self.at("2026-03-02 11:00:00"):
            run_queued_crons(self.env)
        answer = order.sudo().csp_survey_input_id
        invitation = self._invitations(order)
        self._assert_private(invitation, order.partner_id, answer.access_token, [self.rep])
        # Nor from the survey's answer (Odoo's own token, for survey users only).
        with self.assertRaises(AccessError):
            answer.with_user(self.rep).read(["access_token"])
        self.assertIn("Satisfaction survey sent", order.message_ids[0].body)
        self.assertFalse(any(answer.access_token in (m.body or "")
                             for m in order.sudo().message_ids))

    def test_image_limit_is_checked_on_the_header(self):
        env = self.env
        raw = blank_png((7000, 7000))  # 49 megapixels: allowed
        self.assertTrue(decode_image(base64.b64encode(raw), "photo", env))
        with self.assertRaisesRegex(ValidationError, "7072 x 7072 pixels"):
            decode_image(base64.b64encode(blank_png((7072, 7072))), "photo", env)


@tagged("post_install", "-at_install")
class TestMaterialLinkRoutes(LinkCase, MaterialCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.files = cls.env["ir.attachment"].create([
            {"name": "Cennik Łódź 2026.pdf", "raw": b"%PDF-1.4 cennik",
             "mimetype": "application/pdf"},
            {"name": 'Prices "2026"; filename=evil.exe.pdf', "raw": b"%PDF-1.4 quoted",
             "mimetype": "application/pdf"},
        ])

    def _approved(self):
        material = self._material(audience="all", name="Cennik", valid_from="2020-01-01")
        material.sudo().attachment_ids = self.files
        material.with_user(self.manager).action_approve()
        run_queued_crons(self.env)  # the cron workers make the mails
        return material

    def _send(self, material, partner):
        return material.send_ids.filtered(lambda s: s.partner_id == partner)

    def test_material_mail_reaches_its_customer_only(self):
        material = self._approved()
        send = self._send(material, self.rep_customer)
        token = self._material_token(send)
        mail = self.env["mail.mail"].sudo().search([("csp_material_send_id", "=", send.id)])
        # The manager who approved it (and so queued it) does not read it.
        self._assert_private(mail, self.rep_customer, token, [self.manager, self.rep])
        self.assertEqual(send.sudo().access_token, hashlib.sha256(token.encode()).hexdigest())

    def test_files_download_with_their_names(self):
        material = self._approved()
        send = self._send(material, self.rep_customer)
        token = self._material_token(send)
        page = self.url_open(f"/csp/material/{send.id}/{token}")
        self.assertEqual(page.status_code, 200)
        for attachment in self.files:
            response = self.url_open(f"/csp/material/{send.id}/{token}/{attachment.id}")
            self.assertEqual(response.status_code, 200, attachment.name)
            self.assertEqual(response.content, attachment.raw)
            disposition = response.headers["Content-Disposition"]
            kind, options = parse_options_header(disposition)
            self.assertEqual(kind, "attachment")
            self.assertEqual(options["filename"], attachment.name)
            self.assertIn(f"/csp/material/{send.id}/{token}/{attachment.id}", page.text)

    def test_wrong_altered_foreign_and_digest_tokens_get_404(self):
        material = self._approved()
        send = self._send(material, self.rep_customer)
        other = self._send(material, self.rep2_customer)
        token, other_token = self._material_token(send), self._material_token(other)
        file_id = self.files[0].id
        with mute_logger("odoo.http", "werkzeug"):
            for bad in ("wrong", altered(token), other_token, send.sudo().access_token):
                self.assertEqual(
                    self.url_open(f"/csp/material/{send.id}/{bad}").status_code, 404, bad)
                self.assertEqual(self.url_open(
                    f"/csp/material/{send.id}/{bad}/{file_id}").status_code, 404, bad)
            # The right token, a file that is not the material's.
            self.assertEqual(self.url_open(
                f"/csp/material/{send.id}/{token}/{self.leaflet.id}").status_code, 404)
        self.assertFalse(send.received_at)

    def test_portal_customer_opens_his_materials_without_a_token(self):
        material = self._approved()
        send = self._send(material, self.rep_customer)
        other = self._send(material, self.rep2_customer)
        new_test_user(self.env, login="csp_portal_links", groups="base.group_portal",
                      partner_id=self.rep_contact.id)
        self.authenticate("csp_portal_links", "csp_portal_links")
        listing = self.url_open("/my/materials")
        self.assertIn(f"/my/materials/{send.id}", listing.text)
        page = self.url_open(f"/my/materials/{send.id}")
        self.assertEqual(page.status_code, 200)
        self.assertEqual(send.channel, "portal")
        response = self.url_open(f"/my/materials/{send.id}/{self.files[0].id}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, self.files[0].raw)
        with mute_logger("odoo.http", "werkzeug"):
            self.assertEqual(self.url_open(f"/my/materials/{other.id}").status_code, 404)
            self.assertEqual(self.url_open(
                f"/my/materials/{other.id}/{self.files[0].id}").status_code, 404)


@tagged("post_install", "-at_install")
class TestStatementPage(HttpCase, DunningCase):
    """/my/statement: the open items of the PDF statement as a portal page;
    the PDF itself only when asked for."""

    def test_open_items_with_amounts_and_the_pdf_on_demand(self):
        new_test_user(self.env, login="csp_portal_statement_page", groups="base.group_portal",
                      partner_id=self.rep_contact.id, password="csp_portal_statement_page")
        overdue = self._invoice(self.rep_customer, 123.0, "2026-01-15")
        not_due = self._invoice(self.rep_customer, 77.5, "2099-01-15")
        paid = self._invoice(self.rep_customer, 40.0, "2026-01-15")
        self._pay(paid, 40.0)
        other = self._invoice(self.customer, 456.0, "2026-01-15")
        self.authenticate("csp_portal_statement_page", "csp_portal_statement_page")
        # Odoo answers reports with HTML while tests run; this server lets
        # wkhtmltopdf fetch its styles, so the customer gets a real PDF.
        render, rendered = IrActionsReport._render_qweb_pdf, []

        def render_pdf(report, *args, **kwargs):
            rendered.append(args)
            return render(report.with_context(force_report_rendering=True), *args, **kwargs)

        with patch.object(IrActionsReport, "_render_qweb_pdf", render_pdf):
            page = self.url_open("/my/statement")
            self.assertEqual(page.status_code, 200)
            self.assertTrue(page.headers["Content-Type"].startswith("text/html"))
            self.assertFalse(rendered, "no PDF until the customer asks for it")
            pdf = self.url_open("/my/statement/pdf", timeout=180)
        text = page.text
        for invoice in (overdue, not_due):
            self.assertIn(invoice.name, text)
        for invoice in (paid, other):
            self.assertNotIn(invoice.name, text)
        for amount in ("123.00", "77.50", "200.50"):  # each item, then the total
            self.assertIn(amount, text)
        self.assertIn("overdue", text)
        self.assertEqual(text.count("o_csp_overdue"), 1)
        self.assertEqual(text.count("o_csp_not_due"), 1)
        self.assertIn("o_portal_submenu", text)  # Odoo's portal breadcrumbs
        self.assertIn('href="/my/statement/pdf"', text)

        self.assertEqual(len(rendered), 1)
        self.assertEqual(pdf.status_code, 200)
        self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
        self.assertIn("Rep One Customer", parse_options_header(
            pdf.headers["Content-Disposition"])[1]["filename"])
        self.assertGreater(len(self._pdf_pages(pdf.content)), 0)
        pdf_words = " ".join(pdf_text(pdf.content).split())
        self.assertIn("Rep One Customer", pdf_words)
        self.assertIn(overdue.name, pdf_words)
        self.assertNotIn(other.name, pdf_words)
        # Asked again with the same open items: the kept file, not a new
        # rendering; once they change, a new one.
        with patch.object(IrActionsReport, "_render_qweb_pdf", render_pdf):
            again = self.url_open("/my/statement/pdf", timeout=180)
            self.assertEqual(len(rendered), 1)
            self.assertEqual(again.content, pdf.content)
            # A portal visit that gives an invoice its access token writes
            # the invoice but changes nothing the statement shows.
            overdue.sudo().access_token = False
            overdue.sudo()._portal_ensure_token()
            self.env.flush_all()
            self.url_open("/my/statement/pdf", timeout=180)
            self.assertEqual(len(rendered), 1)
            self._pay(overdue, 23.0)
            changed = self.url_open("/my/statement/pdf", timeout=180)
        self.assertEqual(len(rendered), 2)
        self.assertTrue(changed.content.startswith(b"%PDF"))
        self.assertEqual(self.env["ir.attachment"].search_count([
            ("res_model", "=", "res.partner"), ("res_id", "=", self.rep_customer.id),
            ("name", "=like", "csp-statement-%.pdf")]), 1)

    def _pdf_pages(self, content):
        self.assertTrue(content.startswith(b"%PDF"), content[:100])
        return PdfFileReader(io.BytesIO(content)).pages

    def test_no_open_items(self):
        new_test_user(self.env, login="csp_portal_statement_none", groups="base.group_portal",
                      partner_id=self.rep_contact.id, password="csp_portal_statement_none")
        self.authenticate("csp_portal_statement_none", "csp_portal_statement_none")
        page = self.url_open("/my/statement")
        self.assertEqual(page.status_code, 200)
        self.assertIn("You have no open items.", page.text)
        self.assertIn('href="/my/statement/pdf"', page.text)


@tagged("post_install", "-at_install")
class TestLinkMigration(ApprovalCase, DeliveryCase):
    """19.0.1.7.0 on a database of 19.0.1.6: plain tokens, links on threads."""

    def _migrate(self):
        path = file_path(
            "customer_service_process/migrations/19.0.1.7.0/post-migrate-links.py")
        spec = importlib.util.spec_from_file_location("csp_post_migrate_links", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, "19.0.1.6.1")

    def test_tokens_hashed_links_taken_off_threads_approvals_sent_again(self):
        _order, check = self._pending()
        picking = self._ship(self._order())
        template = self.env.ref("customer_service_process.mail_template_feasibility_request")
        template.use_default_to = True
        # What 19.0.1.6 left: plain tokens, and the approval mail on the
        # check's thread, created by the rep, addressed to the customer.
        check.sudo().write({"access_token": "old-approval-token"})
        picking.sudo().write({"csp_access_token": "old-delivery-token"})
        link = f"/csp/feasibility/{check.id}/old-approval-token"
        old_mail = self.env["mail.mail"].with_user(self.rep).sudo().create({
            "model": "csp.feasibility.check", "res_id": check.id, "body_html": link,
            "partner_ids": [(6, 0, self.rep_customer.ids)],
            "recipient_ids": [(6, 0, self.rep_customer.ids)],
        })
        message = self.env["mail.message"].with_user(self.rep).sudo().create({
            "model": "csp.feasibility.check", "res_id": check.id, "body": link,
            "message_type": "email_outgoing", "partner_ids": [(6, 0, self.rep_customer.ids)],
        })
        self.assertTrue(self._readable(message, self.rep))

        self._migrate()

        # The delivery link already sent keeps working, from its digest.
        self.assertEqual(picking.sudo().csp_access_token,
                         hashlib.sha256(b"old-delivery-token").hexdigest())
        self.assertEqual(
            self.env["stock.picking"]._csp_from_token(picking.id, "old-delivery-token"),
            picking)
        # The approval link may have reached the customer: a new one, to the
        # approver only; the old one and its queued mail are gone.
        self.assertFalse(old_mail.exists())
        self.assertFalse(self.env["csp.feasibility.check"]._csp_from_token(
            check.id, "old-approval-token"))
        new_token = self._mailed_token(check)
        self.assertNotEqual(new_token, "old-approval-token")
        self.assertEqual(self._approval_mail(check).recipient_ids, self.manager.partner_id)
        self.assertEqual(self.env["csp.feasibility.check"]._csp_from_token(check.id, new_token),
                         check.sudo())
        self.assertFalse(template.use_default_to)
        # The mail already sent is on no thread any more, and the rep who
        # triggered it cannot read it.
        self.assertFalse(message.model)
        self.assertFalse(message.partner_ids)
        self.assertFalse(self._readable(message, self.rep))

    def _readable(self, message, user):
        return bool(self.env["mail.message"].with_user(user).search([("id", "=", message.id)]))
