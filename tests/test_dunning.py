import re
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import DunningCase, run_queued_crons


@tagged("post_install", "-at_install")
class TestDunningRun(DunningCase):

    def test_default_schedule(self):
        self.assertEqual(self.levels.sorted("days").mapped("days"), [3, 15, 30, 45])
        self.assertEqual(self.hold.channel, "phone")
        self.assertTrue(self.hold.blocks_orders)
        self.assertFalse(self.friendly.blocks_orders)

    def test_levels_reached_on_exact_day_boundaries(self):
        invoice = self._invoice(self.customer, 100.0, "2026-03-01")
        for on, expected in (("2026-03-03", None), ("2026-03-04", self.friendly),
                             ("2026-03-15", self.friendly), ("2026-03-16", self.second),
                             ("2026-03-31", self.final), ("2026-04-15", self.hold)):
            run = self._run(on)
            line = run.letter_ids.line_ids.filtered(lambda x, i=invoice: x.move_id == i)
            self.assertEqual(line.level_id or None, expected, on)
            run.action_cancel()

    def test_one_letter_per_customer_at_the_highest_level(self):
        old = self._invoice(self.customer, 100.0, "2026-02-01")  # 37 days late
        recent = self._invoice(self.customer, 50.0, "2026-03-05")  # 5 days late
        other = self._invoice(self.rep_customer, 70.0, "2026-03-05")
        run = self._run("2026-03-10")
        self.assertEqual(len(run.letter_ids), 2)
        letter = run.letter_ids.filtered(lambda x: x.partner_id == self.customer)
        self.assertEqual(letter.level_id, self.final)
        self.assertEqual(letter.line_ids.move_id, old | recent)
        self.assertEqual(letter.line_ids.filtered(lambda x: x.move_id == recent).level_id,
                         self.friendly)
        self.assertIn("150.00", letter.totals)
        self.assertEqual(run.letter_ids.filtered(lambda x: x.partner_id == self.rep_customer)
                         .line_ids.move_id, other)

    def test_partial_payment_lowers_the_total_and_payment_after_the_run_removes_the_line(self):
        first = self._invoice(self.customer, 100.0, "2026-03-01")
        second = self._invoice(self.customer, 80.0, "2026-03-01")
        self._pay(first, 40.0)
        run = self._run("2026-03-10")
        letter = run.letter_ids
        self.assertIn("140.00", letter.totals)
        self._pay(second, 80.0)  # after the run was made
        self._send(run)
        self.assertEqual(letter.state, "sent")
        removed = letter.line_ids.filtered(lambda x: x.move_id == second)
        self.assertTrue(removed.excluded)
        self.assertIn("paid", removed.removed_reason)
        self.assertEqual(first.csp_dunning_level_id, self.friendly)
        self.assertEqual(first.csp_dunning_date, date(2026, 3, 10))
        self.assertFalse(second.csp_dunning_level_id)
        mail = self.env["mail.message"].search([
            ("model", "=", "csp.dunning.letter"), ("res_id", "=", letter.id),
            ("subtype_id", "=", self.env.ref("mail.mt_comment").id)])
        self.assertEqual(len(mail), 1)
        # The letter's content is the mail; no PDF is rendered at send time.
        self.assertFalse(mail.attachment_ids)
        self.assertIn(first.name, mail.body)
        self.assertNotIn(second.name, mail.body)
        self.assertEqual(mail.author_id, self.accountant.partner_id)
        outgoing = self.env["mail.mail"].search([("mail_message_id", "=", mail.id)])
        self.assertEqual(outgoing.recipient_ids, self.customer)
        self.assertIn(first.name, outgoing.body_html)
        self.assertTrue(any("Dunning: Friendly reminder" in (body or "")
                            for body in first.message_ids.mapped("body")))
        self.assertIn("Friendly reminder", self.customer.message_ids[0].body)

    def test_never_the_same_level_twice_and_the_fee_once(self):
        self.second.write({"fee_type": "fixed", "fee_amount": 25.0})
        invoice = self._invoice(self.customer, 100.0, "2026-03-01")
        run = self._run("2026-03-16")
        self._send(run)
        fee = run.letter_ids.fee_move_ids
        self.assertEqual(len(fee), 1)
        self.assertEqual(fee.amount_total, 25.0)
        self.assertEqual(fee.state, "posted")
        self.assertEqual(invoice.csp_dunning_level_id, self.second)
        # A later run at the same level reminds nothing and charges nothing.
        later = self._run("2026-03-20")
        self.assertFalse(later.letter_ids)
        with self.assertRaises(UserError):
            run.action_send()
        self.assertEqual(len(run.letter_ids.fee_move_ids), 1)

    def test_pauses_are_skipped_with_their_reason(self):
        disputed = self._invoice(self.customer, 100.0, "2026-03-01")
        self.env["csp.complaint"].create({
            "partner_id": self.customer.id,
            "type_id": self.env.ref("customer_service_process.complaint_type_invoice").id,
            "description": "Wrong price"}).invoice_ids = disputed
        paused_invoice = self._invoice(self.customer, 60.0, "2026-03-01")
        paused_invoice.csp_no_dunning_until = "2026-03-31"
        self._invoice(self.rep_customer, 70.0, "2026-03-01")
        self.rep_customer.csp_no_dunning_until = "2026-04-30"
        tag = self.env["res.partner.category"].create({"name": "Key account",
                                                       "csp_no_dunning": True})
        self.rep2_customer.category_id = tag
        self._invoice(self.rep2_customer, 90.0, "2026-03-01")
        run = self._run("2026-03-10")
        self.assertFalse(run.letter_ids)
        reasons = run.skip_ids.mapped("reason")
        self.assertEqual(len(reasons), 4)
        self.assertTrue(any("complaint" in r for r in reasons))
        self.assertTrue(any("this invoice until" in r for r in reasons))
        self.assertTrue(any("this customer until" in r for r in reasons))
        self.assertTrue(any("category" in r for r in reasons))

    def test_cron_twice_makes_one_run_and_second_run_is_refused(self):
        self._invoice(self.customer, 100.0, "2026-03-01")
        self.company.csp_dunning_auto_send = True
        with self.at("2026-03-10 07:00:00"):
            self.env["csp.dunning.run"]._cron_csp_dunning()
            self.env["csp.dunning.run"]._cron_csp_dunning()
        runs = self.env["csp.dunning.run"].search([("company_id", "=", self.company.id)])
        self.assertEqual(len(runs), 1)
        # Sent as Send sends: queued, then by the cron workers.
        self.assertEqual(runs.state, "sending")
        run_queued_crons(self.env)
        self.assertEqual(runs.state, "sent")
        self.assertEqual(len(runs.letter_ids), 1)
        with self.assertRaises(UserError):
            self._run("2026-03-10")

    def test_a_second_session_waits_while_a_run_is_made(self):
        """Two workers making a run of the same company: the second one waits
        on the company's lock (here: cannot take it) until the first commits."""
        self.env["csp.dunning.run"]._csp_lock_company(self.company)
        with self.registry.cursor() as other:
            other.execute("SET LOCAL lock_timeout = '100ms'")
            other.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", (4711, self.company.id))
            self.assertFalse(other.fetchone()[0], "the lock is held by the first session")

    def test_customer_without_email_gets_a_letter_and_the_run_says_so(self):
        self.rep2_customer.email = False
        self._invoice(self.rep2_customer, 100.0, "2026-03-01")
        run = self._run("2026-03-10")
        self.assertEqual(run.letter_ids.channel, "letter")
        self._send(run)
        self.assertIn("no e-mail", run.report)
        self.assertEqual(run.letter_ids.state, "sent")

    def test_one_failing_customer_does_not_stop_the_run(self):
        # A fee with no fee product to invoice it: that customer's letter fails.
        self.friendly.write({"fee_type": "fixed", "fee_amount": 10.0})
        self.company.csp_dunning_fee_product_id = False
        self._invoice(self.customer, 100.0, "2026-03-01")
        self._invoice(self.rep_customer, 100.0, "2026-03-01")
        run = self._run("2026-03-10")
        run.letter_ids.filtered(lambda x: x.partner_id == self.rep_customer).line_ids.write(
            {"fee_amount": 0.0})
        with mute_logger("odoo.addons.customer_service_process.models.csp_batch"):
            self._send(run)
        failed = run.letter_ids.filtered(lambda x: x.state == "failed")
        self.assertEqual(failed.partner_id, self.customer)
        self.assertIn("fee product", failed.error)
        self.assertEqual(run.letter_ids.filtered(lambda x: x.partner_id == self.rep_customer)
                         .state, "sent")
        self.assertIn("failed", run.report)
        self.assertEqual(run.state, "sent")

    def test_currencies_are_totalled_apart(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        usd = self.env.ref("base.USD")
        usd.active = True
        other = eur if self.company.currency_id != eur else usd
        self._invoice(self.customer, 100.0, "2026-03-01")
        self._invoice(self.customer, 30.0, "2026-03-01", currency=other)
        run = self._run("2026-03-10")
        totals = run.letter_ids._csp_totals()
        self.assertEqual(totals[self.company.currency_id], 100.0)
        self.assertEqual(totals[other], 30.0)
        self.assertIn("+", run.letter_ids.totals)

    def test_companies_are_apart(self):
        other = self.env["res.company"].create({"name": "Other Pumps"})
        self.env["account.chart.template"].try_loading("generic_coa", company=other)
        self.assertEqual(len(self.Level.search([("company_id", "=", other.id)])), 4)
        self.env.user.company_ids |= other
        self._invoice(self.customer, 100.0, "2026-03-01", company=other)
        run = self._run("2026-03-10")
        self.assertFalse(run.letter_ids, "the other company's invoice is not in this run")
        other_run = self.env["csp.dunning.run"]._csp_create_run(other, date(2026, 3, 10))
        self.assertEqual(len(other_run.letter_ids), 1)
        with self.assertRaises(AccessError):
            other_run.with_user(self.accountant).read(["name"])

    def test_levels_seen_by_head_office_and_reps(self):
        invoice = self._invoice(self.rep_customer, 100.0, "2026-03-01")
        self._send(self._run("2026-03-20"))
        self.assertEqual(invoice.csp_dunning_level_id, self.second)
        self.assertEqual(self.rep_customer.with_user(self.rep).csp_dunning_level_id, self.second)
        self.assertEqual(self.rep_customer.with_user(self.head_office).csp_dunning_level_id,
                         self.second)
        with self.assertRaises(AccessError):
            self.rep_customer.with_user(self.rep2).read(["csp_dunning_level_id"])
        with self.assertRaises(AccessError):
            self.env["csp.dunning.run"].with_user(self.rep).search([])
            self.env["csp.dunning.run"].with_user(self.rep).check_access("read")

    def test_credit_hold_blocks_new_orders_in_the_feasibility_check(self):
        self._invoice(self.customer, 100.0, "2026-01-10")
        self._send(self._run("2026-03-01"))
        self.assertEqual(self.customer.csp_dunning_level_id, self.hold)
        self.company.csp_overdue_limit = 1000000.0
        self._stock(self.spare_part, 5)
        order = self._quotation(self.head_office, self.customer, self.spare_part, 1)
        check = self.env["csp.feasibility.check"].browse(
            order.with_user(self.head_office).action_csp_check_feasibility()["res_id"])
        result = check.result_ids.filtered(lambda r: r.kind == "customer")
        self.assertEqual(result.status, "fail")
        self.assertIn("Credit hold", result.reason)

    def test_bad_schedules_are_refused(self):
        with self.assertRaises(ValidationError):
            self.Level.create({"name": "Same day", "days": 15, "company_id": self.company.id})
        with self.assertRaises(ValidationError):
            self.Level.create({"name": "Backwards", "days": 20, "sequence": 1,
                               "company_id": self.company.id})
        with self.assertRaises(ValidationError):
            self.friendly.write({"fee_type": "fixed", "fee_amount": -5.0})
        template = self.env["mail.template"].create({
            "name": "No table", "model_id": self.env.ref(
                "customer_service_process.model_csp_dunning_letter").id,
            "body_html": "<p>Pay up.</p>"})
        with self.assertRaises(ValidationError):
            self.friendly.mail_template_id = template
        self.assertEqual(self.friendly.fee_type, "none")

    def test_statement_of_open_items(self):
        self._invoice(self.customer, 100.0, "2026-01-15")
        self._invoice(self.customer, 50.0, "2030-01-15")
        items = self.customer._csp_statement_items()
        self.assertEqual(len(items["moves"]), 2)
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "customer_service_process.action_report_customer_statement", self.customer.ids)
        self.assertIn(b"Statement of open items", html)


@tagged("post_install", "-at_install")
class TestDunningQueries(DunningCase):

    def _run_queries(self, count):
        partners = self.env["res.partner"].create([
            {"name": f"Late payer {count}-{i}", "customer_rank": 1, "email": "x@example.com"}
            for i in range(count // 2)])
        moves = self.env["account.move"].create([{
            "move_type": "out_invoice", "partner_id": partners[i % len(partners)].id,
            "invoice_date": "2026-01-05", "invoice_date_due": "2026-02-01",
            "invoice_line_ids": [Command.create({"name": "x", "quantity": 1,
                                                 "price_unit": 10.0 + i,
                                                 "tax_ids": [Command.clear()]})],
        } for i in range(count)])
        moves.action_post()
        moves.invoice_date_due = "2026-02-01"
        on = date(2026, 3, 10 + count % 7)
        run, spent = self._queries(
            lambda: self.env["csp.dunning.run"]._csp_create_run(self.company, on))
        self.assertEqual(len(run.letter_ids.line_ids.filtered(
            lambda x: x.move_id in moves)), count)
        run.action_cancel()
        moves.button_draft()
        return spent

    def test_run_queries_do_not_grow_with_invoices(self):
        self._run_queries(10)
        self.assertEqual(self._run_queries(10), self._run_queries(100))


@tagged("post_install", "-at_install")
class TestStatementPortal(HttpCase, DunningCase):

    def test_customer_downloads_his_statement(self):
        portal = new_test_user(self.env, login="csp_portal_statement", groups="base.group_portal",
                               partner_id=self.rep_contact.id, password="csp_portal_statement")
        mine = self._invoice(self.rep_customer, 123.0, "2026-01-15")
        other = self._invoice(self.customer, 456.0, "2026-01-15")
        self.assertTrue(portal)
        self.authenticate("csp_portal_statement", "csp_portal_statement")
        response = self.url_open("/my/statement")
        self.assertEqual(response.status_code, 200)
        self.assertIn(mine.name.encode(), response.content)
        self.assertNotIn(other.name.encode(), response.content)


@tagged("post_install", "-at_install")
class TestDunningFeeCurrency(DunningCase):

    def test_fixed_fee_is_converted_to_the_invoice_currency(self):
        eur = self.env.ref("base.EUR")
        usd = self.env.ref("base.USD")
        (eur | usd).active = True
        other = eur if self.company.currency_id != eur else usd
        self.env["res.currency.rate"].create({
            "currency_id": other.id, "name": "2026-01-01", "rate": 2.0,
            "company_id": self.company.id})
        self.friendly.write({"fee_type": "fixed", "fee_amount": 10.0})
        self._invoice(self.customer, 100.0, "2026-03-01", currency=other)
        run = self._run("2026-03-10")
        self.assertAlmostEqual(run.letter_ids.line_ids.fee_amount, 20.0)


@tagged("post_install", "-at_install")
class TestLettersInTheCustomersLanguage(HttpCase, DunningCase):
    """An English accountant prints a Polish customer's letter and statement:
    they are Polish, words, dates and amounts alike."""

    def test_a_polish_customers_letter_printed_by_an_english_user(self):
        self.env["res.lang"]._activate_lang("pl_PL")
        self.env["ir.module.module"]._load_module_terms(["customer_service_process"], ["pl_PL"])
        self.customer.write({"lang": "pl_PL", "email": False})
        self._invoice(self.customer, 1730.25, "2026-02-01")
        self.assertEqual(self.accountant.lang, "en_US")
        letter = self._run(date(2026, 3, 20)).letter_ids
        self.authenticate(self.accountant.login, self.accountant.login)
        html = self.url_open(
            f"/report/html/customer_service_process.report_dunning_letter/{letter.id}").text
        self.assertIn("Dni po terminie", html)
        # The level's name too: the default levels got the words of the
        # language loaded after them.
        polish = letter.level_id.with_context(lang="pl_PL").name
        self.assertNotEqual(polish, letter.level_id.with_context(lang="en_US").name)
        self.assertIn(polish, html)
        self.assertIn("Razem do zapłaty", html)
        self.assertNotIn("Days late", html)
        # One number format, the customer's: in the row and in the total.
        amounts = re.findall(r"[\d\s\xa0.,]*730[.,]25", html.replace("&nbsp;", " "))
        self.assertTrue(amounts, "the amount is on the letter")
        self.assertTrue(all(amount.replace("\xa0", " ").strip().endswith("730,25")
                            for amount in amounts), amounts)
        self.assertNotIn("1,730.25", html)
        statement = self.url_open(
            "/report/html/customer_service_process.report_customer_statement/"
            f"{self.customer.id}").text
        self.assertIn("Zestawienie otwartych pozycji", statement)
        self.assertNotIn("1,730.25", statement)
