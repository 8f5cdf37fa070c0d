"""Sending and printing a dunning run on cron workers: queued by the button,
done in committed batches, a failing letter isolated, nothing done twice
after an interruption, queries per letter constant, one real PDF."""

import base64
import io
from datetime import timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.addons.base.models.ir_actions_report import IrActionsReport
from odoo.tests import tagged
from odoo.tools import mute_logger
from odoo.tools.pdf import PdfFileReader

from .common import DunningCase, run_queued_crons
from .outside import OutsideCase, real_pdfs

SEND_SIZE = "customer_service_process.batch_size.dunning_send"
PRINT_SIZE = "customer_service_process.batch_size.dunning_print"
BATCH_LOGGER = "odoo.addons.customer_service_process.models.csp_batch"


class _Killed(BaseException):
    """The worker dies (SIGKILL): nothing of its transaction is committed."""


class DunningBatchCase(DunningCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.payers = cls.env["res.partner"].create([{
            "name": f"Batch Payer {i}", "is_company": True, "customer_rank": 1,
            "email": f"payer{i}@test.example.com", "ref": f"P{i}",
        } for i in range(5)])
        cls.invoices = cls.env["account.move"].browse([
            cls._invoice(partner, 100.0 + i, "2026-03-01").id
            for i, partner in enumerate(cls.payers)])
        cls.cron = cls.env.ref("customer_service_process.ir_cron_dunning_send")

    def _letters_sent(self, cr, run):
        cr.execute("SELECT count(*) FROM csp_dunning_letter WHERE run_id = %s AND state = 'sent'",
                   [run.id])
        return cr.fetchone()[0]

    def _mails_per_partner(self, partners):
        mails = self.env["mail.mail"].search([
            ("model", "=", "csp.dunning.letter"), ("recipient_ids", "in", partners.ids)])
        return {partner: len(mails.filtered(lambda m, p=partner: p in m.recipient_ids))
                for partner in partners}


@tagged("post_install", "-at_install")
class TestDunningSendBatches(DunningBatchCase):

    def test_send_answers_at_once_and_the_cron_sends_in_committed_batches(self):
        self.env["ir.config_parameter"].set_param(SEND_SIZE, 2)
        run = self._run("2026-03-10")
        self.assertEqual(len(run.letter_ids), 5)
        action = run.action_send()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(run.state, "sending")
        self.assertEqual(set(run.letter_ids.mapped("state")), {"draft"})
        self.assertEqual(run.send_progress, "0 of 5 letters sent")
        self.assertFalse(any(self._mails_per_partner(self.payers).values()))
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)]))

        # What each commit of the cron holds.
        IrCron = self.registry["ir.cron"]
        commit_progress = IrCron._commit_progress
        committed = []

        def spy(cron, processed=0, **kwargs):
            cron.env.flush_all()
            committed.append((processed, self._letters_sent(cron.env.cr, run)))
            return commit_progress(cron, processed, **kwargs)

        with patch.object(IrCron, "_commit_progress", spy):
            run_queued_crons(self.env)
        self.assertEqual(committed, [(0, 0), (2, 2), (2, 4), (1, 5)],
                         "three batches, each committed with its letters")
        self.assertEqual(run.state, "sent")
        self.assertEqual(set(run.letter_ids.mapped("state")), {"sent"})
        self.assertEqual(run.send_progress, "5 of 5 letters sent")
        self.assertEqual(set(self._mails_per_partner(self.payers).values()), {1})
        self.assertEqual(self.invoices.csp_dunning_level_id, self.friendly)
        # The accountant who pressed Send is told, in his inbox.
        told = run.message_ids.filtered(lambda m: self.accountant.partner_id in m.partner_ids)
        self.assertEqual(len(told), 1)
        self.assertIn("5 of 5 letters", told.body)

    def test_the_mail_links_to_the_statement_of_a_customer_with_portal_access(self):
        with_portal, without = self.payers[:2]
        contact = self.env["res.partner"].create(
            {"name": "Payer's accountant", "parent_id": with_portal.id,
             "email": "books@payer0.example.com"})
        self.env["res.users"].create({
            "login": "payer0-portal", "partner_id": contact.id,
            "group_ids": [Command.set([self.env.ref("base.group_portal").id])]})
        self._send(self._run("2026-03-10"))
        mails = self.env["mail.mail"].sudo().search([("model", "=", "csp.dunning.letter")])
        linked = mails.filtered(lambda m: with_portal in m.recipient_ids)
        self.assertIn("/my/statement", linked.body_html)
        self.assertNotIn("/my/statement",
                         mails.filtered(lambda m: without in m.recipient_ids).body_html)

    def test_a_failing_letter_does_not_stop_the_others(self):
        # A template that cannot be rendered for a customer without reference.
        template = self.env["mail.template"].create({
            "name": "Picky", "model_id": self.env.ref(
                "customer_service_process.model_csp_dunning_letter").id,
            "subject": "Reminder", "partner_to": "{{ object.partner_id.id }}",
            "body_html": '<p t-out="object.partner_id.ref.upper()"/>'
                         '<t t-out="object._csp_invoice_table()"/>'})
        self.friendly.mail_template_id = template
        self.payers[2].ref = False
        run = self._run("2026-03-10")
        with mute_logger(BATCH_LOGGER, "odoo.addons.mail.models.mail_render_mixin"):
            self._send(run)
        failed = run.letter_ids.filtered(lambda x: x.state == "failed")
        self.assertEqual(failed.partner_id, self.payers[2])
        self.assertTrue(failed.error)
        self.assertEqual(len(run.letter_ids.filtered(lambda x: x.state == "sent")), 4)
        self.assertEqual(run.state, "sent")
        self.assertIn(f"{self.payers[2].name}: failed", run.report)
        self.assertEqual(run.send_progress, "4 of 5 letters sent, 1 failed")
        mails = self._mails_per_partner(self.payers)
        self.assertEqual([mails[p] for p in self.payers], [1, 1, 0, 1, 1])
        self.assertFalse(self.invoices[2].csp_dunning_level_id)
        self.assertEqual((self.invoices - self.invoices[2]).csp_dunning_level_id, self.friendly)
        told = run.message_ids.filtered(lambda m: self.accountant.partner_id in m.partner_ids)
        self.assertIn("1 failed", told.body)

    def test_an_interrupted_run_sends_nothing_twice(self):
        self.env["ir.config_parameter"].set_param(SEND_SIZE, 2)
        self.friendly.write({"fee_type": "fixed", "fee_amount": 5.0})
        run = self._run("2026-03-10")
        run.action_send()
        Letter = self.registry["csp.dunning.letter"]
        send = Letter._csp_send
        calls = []

        def send_then_die(letters):
            send(letters)  # the batch's mails, fees, levels... then the worker dies
            calls.append(len(letters))
            if len(calls) == 2:
                raise _Killed

        # The cron's body as a cron worker runs it, in its own transaction
        # (not in assertRaises: Odoo's rolls back a savepoint of its own).
        killed = False
        with self.enter_registry_test_mode(), patch.object(Letter, "_csp_send", send_then_die):
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {"cron_id": self.cron.id})
                    cron, _progress = env["ir.cron"].browse(self.cron.id)._add_progress()
                    env(context=cron.env.context)["csp.dunning.letter"]._csp_batch_run(
                        "dunning_send")
            except _Killed:
                killed = True
        self.assertTrue(killed)
        self.env.invalidate_all()
        self.assertEqual(calls, [2, 2])
        # The first batch was committed; the second died with its worker.
        self.assertEqual(len(run.letter_ids.filtered(lambda x: x.state == "sent")), 2)
        self.assertEqual(sum(self._mails_per_partner(self.payers).values()), 2)
        self.assertEqual(len(run.letter_ids.fee_move_ids), 2)
        self.assertEqual(run.state, "sending")

        run_queued_crons(self.env)
        self.assertEqual(run.state, "sent")
        self.assertEqual(set(self._mails_per_partner(self.payers).values()), {1})
        for letter in run.letter_ids:
            self.assertEqual(letter.state, "sent")
            self.assertEqual(len(letter.fee_move_ids), 1, letter.partner_id.name)
            self.assertEqual(len(letter.partner_id.message_ids.filtered(
                lambda m: "Friendly reminder sent" in (m.body or ""))), 1)
        self.assertEqual(self.invoices.csp_dunning_level_id, self.friendly)
        self.assertEqual(len(self.invoices.message_ids.filtered(
            lambda m: "Dunning: Friendly reminder" in (m.body or ""))), 5)


    def test_a_run_with_every_letter_excluded_is_sent_too(self):
        run = self._run("2026-03-10")
        run.letter_ids.action_exclude()
        self._send(run)
        self.assertEqual(run.state, "sent")
        self.assertFalse(any(self._mails_per_partner(self.payers).values()))
        self.assertFalse(self.invoices.csp_dunning_level_id)


@tagged("post_install", "-at_install")
class TestDunningSendQueries(DunningBatchCase):

    def _send_queries(self, count, on):
        partners = self.env["res.partner"].create([
            {"name": f"Query payer {on}-{i}", "customer_rank": 1, "email": f"q{i}@example.com"}
            for i in range(count)])
        for partner in partners:
            self._invoice(partner, 10.0, "2026-03-01")
        run = self.env["csp.dunning.run"].with_user(self.accountant).browse(
            self.env["csp.dunning.run"]._csp_create_run(self.company, on).id)
        run.letter_ids.filtered(lambda x: x.partner_id not in partners).action_exclude()
        run.action_send()
        _none, spent = self._queries(lambda: run_queued_crons(self.env))
        self.assertEqual(len(run.letter_ids.filtered(lambda x: x.state == "sent")), count)
        return spent

    def test_queries_per_letter_do_not_grow(self):
        self._send_queries(5, "2026-03-10")  # warm-up
        ten = self._send_queries(10, "2026-03-11")
        thirty = self._send_queries(30, "2026-03-12")
        # One batch either way: the mails, chatter, levels and states are
        # written in one go each, whatever the number of letters.
        self.assertEqual(thirty, ten, f"10 letters: {ten} queries, 30 letters: {thirty}")


    def _send_mixed_queries(self, count, on):
        """`count` customers, a third each by e-mail, by a phone call their
        salesperson makes (with the fee of the level) and by printed letter
        (no e-mail address); all sent in one batch."""
        self.hold.write({"fee_type": "fixed", "fee_amount": 15.0})
        kinds = ["email", "phone", "letter"]
        partners = self.env["res.partner"].create([{
            "name": f"Mixed payer {on}-{i}", "customer_rank": 1,
            "email": False if kinds[i % 3] == "letter" else f"m{i}@example.com",
            "user_id": self.rep.id if kinds[i % 3] == "phone" else False,
        } for i in range(count)])
        on_date = fields.Date.to_date(on)
        for i, partner in enumerate(partners):
            late = 50 if kinds[i % 3] == "phone" else 5
            self._invoice(partner, 10.0 + i, on_date - timedelta(days=late))
        run = self.env["csp.dunning.run"].with_user(self.accountant).browse(
            self.env["csp.dunning.run"]._csp_create_run(self.company, on).id)
        run.letter_ids.filtered(lambda x: x.partner_id not in partners).action_exclude()
        self.assertEqual(sorted(set(run.letter_ids.filtered(
            lambda x: x.partner_id in partners).mapped("channel"))), ["email", "letter", "phone"])
        run.action_send()
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        run_queued_crons(self.env)
        spent = self.cr.sql_log_count - before
        sent = run.letter_ids.filtered(lambda x: x.state == "sent")
        self.assertEqual(len(sent), count)
        self.assertEqual(len(sent.fee_move_ids), len(sent.filtered(
            lambda x: x.channel == "phone")))
        return spent

    def test_queries_per_letter_constant_for_every_channel(self):
        # One batch for each size: what is measured is the cost per letter.
        self.env["ir.config_parameter"].sudo().set_param(SEND_SIZE, "500")
        self._send_mixed_queries(6, "2026-06-01")  # warm-up
        ten = self._send_mixed_queries(12, "2026-06-02")
        hundred = self._send_mixed_queries(102, "2026-06-03")
        # The fee invoices are numbered one by one (Odoo's sequence); all
        # else is written in one go per batch: at most 5 queries a letter
        # more, never a query per field or per line.
        per_letter = (hundred - ten) / 90
        self.assertLessEqual(per_letter, 5, f"12 letters: {ten} queries, 102: {hundred}")


@tagged("post_install", "-at_install")
class TestDunningPrintBatches(DunningBatchCase):

    def setUp(self):
        super().setUp()
        real_pdfs(self)

    def test_print_letters_in_batches_into_one_pdf(self):
        self.env["ir.config_parameter"].set_param(PRINT_SIZE, 2)
        self.payers[:3].email = False  # printed letters instead
        run = self._run("2026-03-10")
        printed = run.letter_ids.filtered(lambda x: x.channel == "letter")
        self.assertEqual(printed.partner_id, self.payers[:3])
        self._send(run)
        action = run.action_print_letters()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(run.print_state, "printing")
        self.assertEqual(run.print_progress, "0 of 3 letters printed")
        self.assertFalse(run.letters_pdf)
        with self.allow_pdf_render():
            run_queued_crons(self.env)
        self.assertEqual(run.print_state, "done")
        self.assertEqual(set(printed.mapped("print_state")), {"printed"})
        self.assertFalse(any(printed.mapped("print_pdf")), "merged, then let go")
        download = run.action_download_letters()
        self.assertIn(f"/web/content/csp.dunning.run/{run.id}/letters_pdf/", download["url"])
        pdf = run.with_context(bin_size=False).letters_pdf
        content = base64.b64decode(pdf)
        self.assertTrue(content.startswith(b"%PDF"))
        self.assertEqual(len(PdfFileReader(io.BytesIO(content)).pages), 3)
        told = run.message_ids.filtered(lambda m: self.accountant.partner_id in m.partner_ids
                                        and "ready to download" in (m.body or ""))
        self.assertEqual(len(told), 1)

    def test_a_letter_that_cannot_be_printed_does_not_stop_the_others(self):
        self.payers[:3].email = False
        run = self._run("2026-03-10")
        self._send(run)
        render = IrActionsReport._render_qweb_pdf
        broken = run.letter_ids.filtered(lambda x: x.partner_id == self.payers[1])

        def render_but_one(report, report_ref, res_ids=None, data=None):
            # A batch holding it fails, then each letter is printed alone.
            if broken.id in (res_ids or []):
                raise ValueError("The printer is on fire")
            return render(report, report_ref, res_ids, data)

        run.action_print_letters()
        with self.allow_pdf_render(), mute_logger(BATCH_LOGGER), \
                patch.object(IrActionsReport, "_render_qweb_pdf", render_but_one):
            run_queued_crons(self.env)
        self.assertEqual(run.print_state, "done")
        self.assertEqual(broken.print_state, "failed")
        self.assertIn("on fire", broken.print_error)
        self.assertEqual(run.print_progress, "2 of 3 letters printed, 1 failed")
        content = base64.b64decode(run.with_context(bin_size=False).letters_pdf)
        self.assertEqual(len(PdfFileReader(io.BytesIO(content)).pages), 2)
        told = run.message_ids.filtered(lambda m: self.accountant.partner_id in m.partner_ids
                                        and "ready to download" in (m.body or ""))
        self.assertIn("on fire", told.body)


@tagged("post_install", "-at_install")
class TestDunningButtonsOverRpc(OutsideCase, DunningCase):
    """Send and Print Letters as the accountant's web client presses them:
    each button answers at once; the cron workers do the work; the form
    shows the progress, then the download."""

    def test_send_print_and_download_through_the_web_client(self):
        self.env["ir.config_parameter"].set_param(PRINT_SIZE, 1)
        postal = self.env["res.partner"].create([{
            "name": name, "is_company": True, "customer_rank": 1, "street": "1 Letter Lane",
            "city": "Leeds"} for name in ("First Postal Customer", "Second Postal Customer")])
        for partner in postal:
            self._invoice(partner, 730.25, "2026-03-01")
        self._invoice(self.customer, 99.0, "2026-03-01")
        self.as_user(self.accountant)
        action = self.wizard("customer_service_process.action_csp_dunning_wizard",
                             {"date": "2026-03-10"}, "action_run")
        run = self.env["csp.dunning.run"].browse(action["res_id"])

        answer = self.button(run, "action_send")
        self.assertEqual(answer["tag"], "display_notification")
        self.assertEqual(self.open(run)["state"], "sending")
        self.assertEqual(self.open(run)["send_progress"], "0 of 3 letters sent")
        run_queued_crons(self.env)
        form = self.open(run)
        self.assertEqual((form["state"], form["send_progress"]),
                         ("sent", "3 of 3 letters sent"))
        self.assertMailedTo(self.mails(run.letter_ids.line_ids.move_id.filtered(
            lambda m: m.partner_id == self.customer).name), self.customer)

        self.button(run, "action_print_letters")
        self.assertEqual(self.open(run)["print_progress"], "0 of 2 letters printed")
        run_queued_crons(self.env)
        result = self.button(run, "action_download_letters")
        self.assertEqual(result["type"], "ir.actions.act_url")
        text = self.pdf_text(self.get(result["url"]))
        self.assertIn("First Postal Customer", text)
        self.assertIn("Second Postal Customer", text)
        self.assertIn("730.25", text)
        self.assertNotIn(self.customer.name, text)
