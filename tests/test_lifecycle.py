"""One order's whole life, walked only as its users' clients walk it: the
rep, head office, the approver, the accountant and the manager through the
web client's JSON-RPC with their own sessions; the customer through the
links he is mailed and his portal, over plain HTTP.  Every mail is read for
who receives it and in which language, every download is opened."""

import re
from datetime import date, timedelta

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from .common import AfterSalesCase, run_queued_crons
from .outside import OutsideCase


@tagged("post_install", "-at_install")
class LifecycleCase(OutsideCase, AfterSalesCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("pl_PL")
        cls.env["ir.module.module"]._load_module_terms(["customer_service_process"], ["pl_PL"])
        # A Polish customer of rep1; a company that asks for the whole amount
        # before it confirms, approves every order itself and has no payment
        # provider (as the demo company).
        cls.customer = cls.rep_customer
        cls.customer.write({"lang": "pl_PL", "street": "ul. Długa 1", "city": "Gdańsk"})
        cls.company.write({
            "csp_feasibility_auto_accept": False, "portal_confirmation_pay": True,
            "prepayment_percent": 1.0, "csp_dunning_auto_send": False,
            "csp_survey_delay_days": 0,
        })
        cls.env["payment.provider"].search([]).write({"state": "disabled"})
        cls._stock(cls.component, 50)
        cls.buyer = new_test_user(
            cls.env, login="csp_test_buyer", name="Anna Kowalska", lang="pl_PL",
            email="anna@rep1customer.example.com", groups="base.group_portal")
        cls.buyer.partner_id.parent_id = cls.customer

    # --------------------------------------------------------------- steps

    def _rep_quotes(self, quantity=2):
        self.as_user(self.rep)
        order_id = self.save("sale.order", {
            "partner_id": self.customer.id,
            "commitment_date": fields.Datetime.to_string(
                fields.Datetime.now() + timedelta(days=10)),
            "order_line": [Command.create({
                "product_id": self.pump.id, "product_uom_qty": quantity})],
        })
        return self.env["sale.order"].browse(order_id)

    def _rep_checks(self, order):
        self.as_user(self.rep)
        action = self.button(order, "action_csp_check_feasibility")
        check = self.env["csp.feasibility.check"].browse(action["res_id"])
        view = self.env.ref("customer_service_process.csp_feasibility_check_view_form_wizard")
        shown = self.open(check, view_id=view.id)
        self.assertEqual(shown["state"], "draft")
        self.assertTrue(shown["result_ids"])
        self.button(check, "action_submit")
        return check

    def _approver_decides(self, check, **form):
        """The approver's mail, to him alone; his decision from its link,
        without logging in."""
        mails = self.mails(f"/csp/feasibility/{check.id}/")
        self.assertMailedTo(mails, self.manager.partner_id)
        url = self.link(mails[0], rf"/csp/feasibility/{check.id}/[\w-]+")
        self.as_public()
        page = self.get(url)
        self.assertIn(check.order_id.name, page.text)
        done = self.post(url + "/decide", dict(form, csrf_token=self.csrf(page.text)))
        self.env.invalidate_all()
        self.assertEqual(check.state, "approved", done.text[:500])
        return done

    def _customer_accepts(self, order):
        """The customer's answer mail, in Polish; he signs on the page it
        links to, without an account."""
        mails = self.env["mail.mail"].sudo().search([
            ("model", "=", "sale.order"), ("res_id", "=", order.id),
            ("subject", "ilike", "nasze warunki")])
        # The customer's own mail, and a copy for the following salesperson.
        mail = mails.filtered(lambda m: self.customer in m.recipient_ids)
        self.assertMailedTo(mail, self.customer)
        self.assertEqual((mails - mail).recipient_ids, self.rep.partner_id)
        url = self.link(mail, rf"/my/orders/{order.id}\?access_token=[\w-]+")
        token = url.split("access_token=")[1]
        self.as_public()
        page = self.get(url)
        self.assertNotIn("Sign &amp; Pay", page.text)
        self.assertIn("o_csp_prepayment_offline", page.text)
        result = self.make_jsonrpc_request(f"/my/orders/{order.id}/accept", {
            "access_token": token, "name": "Anna Kowalska", "signature": self.signature()},
            timeout=120)
        self.assertNotIn("error", result, result)
        self.env.invalidate_all()
        self.assertEqual(order.state, "sale")

    def _produce(self, order):
        self.as_user(self.head_office)
        productions = self.search_read("mrp.production", [("origin", "=", order.name)],
                                       ["state"])
        self.assertEqual(len(productions), 1)
        production = self.env["mrp.production"].browse(productions[0]["id"])
        self.button(production, "action_assign")
        self.assertTrue(self.open(production)["show_produce_all"])
        result = self.button(production, "button_mark_done")  # Produce All
        self.assertFalse(isinstance(result, dict) and result.get("res_model"), result)
        self.env.invalidate_all()
        self.assertEqual(production.state, "done")
        # The customer is told, in Polish, and only he among the outsiders.
        mails = self.env["mail.mail"].sudo().search([
            ("model", "=", "sale.order"), ("res_id", "=", order.id),
            ("subject", "ilike", "zostało wyprodukowane")])
        mail = mails.filtered(lambda m: self.customer in m.recipient_ids)
        self.assertMailedTo(mail, self.customer)
        self.assertFalse((mails - mail).recipient_ids.filtered("partner_share"))

    def _ship(self, order):
        self.as_user(self.head_office)
        pickings = self.search_read("stock.picking", [
            ("sale_id", "=", order.id), ("picking_type_code", "=", "outgoing")], ["state"])
        picking = self.env["stock.picking"].browse(pickings[0]["id"])
        self.save("stock.picking", {"carrier_id": self.carrier.id,
                                    "carrier_tracking_ref": "TRK-77"}, record_id=picking.id)
        result = self.button(picking, "button_validate")
        self.assertFalse(isinstance(result, dict) and result.get("res_model"), result)
        self.env.invalidate_all()
        self.assertEqual(picking.state, "done")
        return picking

    def _invoice(self, order, days_overdue):
        """Head office invoices the order; the accountant posts it dated
        `days_overdue` days ago, due at once."""
        self.as_user(self.head_office)
        context = {"active_model": "sale.order", "active_ids": order.ids,
                   "active_id": order.id}
        result = self.wizard("sale.action_view_sale_advance_payment_inv",
                             {"advance_payment_method": "delivered"}, "create_invoices",
                             context=context)
        invoice = self.env["account.move"].browse(result["res_id"])
        self.as_user(self.accountant)
        when = date.today() - timedelta(days=days_overdue)
        self.save("account.move", {"invoice_date": fields.Date.to_string(when),
                                   "invoice_date_due": fields.Date.to_string(when),
                                   "invoice_payment_term_id": False}, record_id=invoice.id)
        self.button(invoice, "action_post")
        self.env.invalidate_all()
        self.assertEqual(invoice.state, "posted")
        return invoice

    def _customer_confirms(self, picking):
        mails = self.mails(f"/csp/delivery/{picking.id}/")
        self.assertMailedTo(mails, self.customer)
        self.assertIn("w drodze", mails[0].subject)
        url = self.link(mails[0], rf"/csp/delivery/{picking.id}/[\w-]+")
        self.as_public()
        page = self.get(url)
        self.assertIn(picking.name, page.text)
        result = self.make_jsonrpc_request(url + "/confirm", {
            "name": "Anna Kowalska", "signature": self.signature()}, timeout=120)
        self.get(result["redirect_url"])
        self.env.invalidate_all()
        self.assertEqual(picking.csp_confirmation_channel, "portal")

    def _customer_answers_survey(self, order):
        self.env.ref("customer_service_process.ir_cron_satisfaction_surveys").sudo() \
            .method_direct_trigger()
        mails = self.env["mail.mail"].sudo().search([("subject", "ilike", order.name),
                                                     ("body_html", "ilike", "/survey/start/")])
        self.assertMailedTo(mails, self.customer)
        url = self.link(mails, r"/survey/start/[\w-]+\?answer_token=[\w-]+")
        survey_token, answer_token = re.search(
            r"/survey/start/([\w-]+)\?answer_token=([\w-]+)", url).groups()
        self.as_public()
        self.get(url)
        self.make_jsonrpc_request(f"/survey/begin/{survey_token}/{answer_token}", {})
        questions = {q.csp_metric: q for q in self.survey.question_ids}
        yes = questions["on_time"].suggested_answer_ids.filtered("csp_is_yes")
        self.make_jsonrpc_request(f"/survey/submit/{survey_token}/{answer_token}", {
            str(questions["overall"].id): "5", str(questions["nps"].id): "9",
            str(questions["on_time"].id): str(yes.id), str(questions["quality"].id): "4",
            str(questions["improve"].id): "Szybciej",
        })
        self.env.invalidate_all()
        self.assertTrue(order.csp_feedback_at)

    def _customer_complains(self, order, picking):
        """The customer, logged in to his portal, files a complaint from his
        delivered order's page."""
        self.as_user(self.buyer)
        page = self.get(f"/my/orders/{order.id}")
        url = re.search(r'href="(/my/complaints/new[^"]*)"', page.text)
        self.assertTrue(url, "no link to file a complaint on the order's page")
        form = self.get(url.group(1).replace("&amp;", "&"))
        move = picking.move_ids.filtered(lambda m: m.product_id == self.pump)
        done = self.post("/my/complaints/new", {
            "csrf_token": self.csrf(form.text), "order_id": order.id,
            "picking_id": picking.id,
            "type_id": self.env.ref("customer_service_process.complaint_type_quality").id,
            "description": "Pompa przecieka",
            f"quantity_{move.id}": "1",
        }, files={"photos": ("leak.png", self.png_bytes(), "image/png")})
        complaint = self.env["csp.complaint"].search([("order_id", "=", order.id)])
        self.assertEqual(len(complaint), 1, done.text[:500])
        self.assertIn(complaint.name, done.text)
        return complaint

    def _management_report(self):
        """The manager's report of this month: the XLSX and the PDF."""
        self.as_user(self.manager)
        today = date.today()
        values = {"date_from": fields.Date.to_string(today.replace(day=1)),
                  "date_to": fields.Date.to_string(today)}
        result = self.wizard("customer_service_process.action_csp_kpi_report", values,
                             "action_export_xlsx")
        sheets = self.xlsx_rows(self.get(result["url"]))
        wizard_id = int(re.search(r"csp.kpi.report/(\d+)/", result["url"]).group(1))
        pdf = self.pdf_text(self.download_report(
            self.button(self.env["csp.kpi.report"].browse(wizard_id), "action_print_pdf")))
        return sheets, pdf

    def _postal_invoice(self, name, amount, days_overdue):
        """A customer without an e-mail address and his overdue invoice."""
        partner = self.env["res.partner"].create({
            "name": name, "is_company": True, "user_id": self.rep.id,
            "street": "1 Letter Lane", "city": "Leeds", "customer_rank": 1})
        when = date.today() - timedelta(days=days_overdue)
        invoice = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": partner.id,
            "invoice_date": when, "invoice_date_due": when,
            "invoice_line_ids": [Command.create({"name": "Pumps", "quantity": 1,
                                                 "price_unit": amount,
                                                 "tax_ids": [Command.clear()]})]})
        invoice.action_post()
        return partner, invoice

    def _dunning_run(self, on):
        self.as_user(self.accountant)
        action = self.wizard("customer_service_process.action_csp_dunning_wizard",
                             {"date": fields.Date.to_string(on)}, "action_run")
        return self.env["csp.dunning.run"].browse(action["res_id"])


@tagged("post_install", "-at_install")
class TestLifecycle(LifecycleCase):

    def test_from_the_first_offer_to_dunning(self):
        # A second customer, with no e-mail address, is sent a printed letter.
        postal, _old = self._postal_invoice("Postal Customer", 730.25, 40)

        order = self._rep_quotes()
        check = self._rep_checks(order)
        self.assertEqual(check.state, "pending")
        later = date.today() + timedelta(days=21)
        self._approver_decides(check, decision="approve",
                               delivery_date=fields.Date.to_string(later),
                               reason="Nasz termin")
        self.assertEqual(order.state, "sent")
        self._customer_accepts(order)
        self.assertIn("Ask for the prepayment", order.activity_ids.mapped("summary"))

        self._produce(order)
        picking = self._ship(order)
        invoice = self._invoice(order, days_overdue=20)
        self._customer_confirms(picking)
        self._customer_answers_survey(order)
        self.assertEqual(order.csp_stage_id.code, "feedback")

        # Dunning: the customer is mailed, the postal customer printed.
        run = self._dunning_run(date.today())
        channels = {letter.partner_id: letter.channel for letter in run.letter_ids}
        self.assertEqual((channels[self.customer], channels[postal]), ("email", "letter"))
        self.button(run, "action_send")  # queued: the cron workers send
        run_queued_crons(self.env)
        mails = self.mails(invoice.name).filtered(lambda m: m.recipient_ids & self.customer)
        self.assertMailedTo(mails, self.customer)
        self.button(run, "action_print_letters")  # queued: the cron workers print
        run_queued_crons(self.env)
        result = self.button(run, "action_download_letters")
        text = self.pdf_text(self.get(result["url"]))
        self.assertIn("Postal Customer", text)
        self.assertIn("730.25", text)
        self.assertNotIn(self.customer.name, text)

        # The customer complains on the portal; the next run leaves his
        # disputed invoice alone and says why.
        complaint = self._customer_complains(order, picking)
        self.assertTrue(invoice.csp_disputed)
        run = self._dunning_run(date.today() + timedelta(days=1))
        skipped = run.skip_ids.filtered(lambda s: s.move_id == invoice)
        self.assertIn(complaint.name, skipped.reason)
        self.assertNotIn(invoice, run.letter_ids.line_ids.move_id)

        sheets, pdf = self._management_report()
        self.assertIn(order.name, [row[0] for rows in sheets.values() for row in rows])
        self.assertIn(self.rep.name, pdf)


@tagged("post_install", "-at_install")
class TestLifecycleBreaks(LifecycleCase):
    """The four places where the lifecycle broke through a real client."""

    def test_new_terms_signed_online_confirm_the_order_without_a_payment_provider(self):
        order = self._rep_quotes()
        check = self._rep_checks(order)
        self._approver_decides(check, decision="approve", delivery_date=fields.Date.to_string(
            date.today() + timedelta(days=30)), reason="")
        self._customer_accepts(order)
        activity = order.activity_ids.filtered(lambda a: a.summary == "Ask for the prepayment")
        self.assertEqual(activity.user_id, self.rep)
        self.assertEqual(activity.date_deadline, date.today())

    def test_print_letters_downloads_every_printed_letter_as_one_pdf(self):
        self._postal_invoice("First Postal Customer", 730.25, 40)
        self._postal_invoice("Second Postal Customer", 1200.0, 42)
        run = self._dunning_run(date.today())
        self.button(run, "action_send")
        run_queued_crons(self.env)
        self.button(run, "action_print_letters")
        run_queued_crons(self.env)
        result = self.button(run, "action_download_letters")
        self.assertEqual(result["type"], "ir.actions.act_url")
        text = self.pdf_text(self.get(result["url"]))
        self.assertIn("First Postal Customer", text)
        self.assertIn("Second Postal Customer", text)
        self.assertIn("1,200.00", text)
        self.assertEqual(text.count("Final notice"), 2)


@tagged("post_install", "-at_install")
class TestBackOfficePaths(LifecycleCase):
    """The other way through: the approver decides in the back office, the
    rep has the customer sign on his phone, head office handles the
    complaint with a return and a credit note, the manager prints the PDF."""

    def test_backend_decision_rep_confirmation_return_and_credit_note(self):
        order = self._rep_quotes()
        check = self._rep_checks(order)
        self.as_user(self.manager)
        action = self.button(check, "action_open_decision")
        self.wizard(action, {"decision": "approve"}, "action_decide")
        self.env.invalidate_all()
        self.assertEqual(order.state, "sale")
        self.assertEqual(check.decided_by_id, self.manager)
        accepted = self.mails(order.name).filtered(
            lambda m: self.customer in m.recipient_ids and "przyjęte" in (m.subject or ""))
        self.assertMailedTo(accepted, self.customer)

        self._produce(order)
        picking = self._ship(order)
        self.as_user(self.rep)
        action = self.button(picking, "action_csp_confirm_delivery")
        self.wizard(action, {"received_by": "Anna Kowalska", "signature": self.signature()},
                    "action_confirm")
        self.env.invalidate_all()
        self.assertEqual(picking.csp_confirmation_channel, "rep")
        self.assertEqual(picking.csp_confirmed_user_id, self.rep)

        invoice = self._invoice(order, days_overdue=0)
        self.as_user(self.head_office)
        move = picking.move_ids.filtered(lambda m: m.product_id == self.pump)
        complaint_id = self.save("csp.complaint", {
            "partner_id": self.customer.id, "order_id": order.id, "channel": "phone",
            "type_id": self.env.ref("customer_service_process.complaint_type_quality").id,
            "description": "Pompa przecieka",
            "line_ids": [Command.create({"product_id": self.pump.id, "quantity": 1})]})
        complaint = self.env["csp.complaint"].browse(complaint_id)
        self.assertTrue(complaint.date_deadline)
        self.assertTrue(complaint.user_id)
        self.assertTrue(invoice.csp_disputed)

        action = self.button(complaint, "action_csp_create_return")
        def one_pump_back(form):
            return dict(form, product_return_moves=[
                [0, 0, dict(line[2], quantity=1)] for line in form["product_return_moves"]])

        returned = self.wizard(action, one_pump_back, "action_create_returns")
        back = self.env["stock.picking"].browse(returned["res_id"])
        self.assertEqual(back.move_ids.product_id, move.product_id)
        self.assertEqual(complaint.return_picking_ids, back)

        self.as_user(self.accountant)
        action = self.button(complaint, "action_csp_create_credit_note")
        self.wizard(action, {"reason": "Pompa przecieka"}, "refund_moves")
        self.env.invalidate_all()
        self.assertEqual(complaint.credit_note_ids.move_type, "out_refund")

        self.as_user(self.manager)
        today = date.today()
        action = self.wizard("customer_service_process.action_csp_kpi_report", {
            "date_from": fields.Date.to_string(today.replace(day=1)),
            "date_to": fields.Date.to_string(today)}, "action_print_pdf")
        self.assertIn(self.company.name, self.pdf_text(self.download_report(action)))
