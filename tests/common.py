"""Fixtures of the addon's tests, layered per feature.  Test modules import
them from here (and the outside-in helpers from outside.py), never from one
another.

    CustomerProcessCase     the company and its calendar, the people of the
    │                       process, products, customers; `_queries`
    ├── FeasibilityCase     the feasibility check, run through its button
    │   └── ApprovalCase    a quotation pending approval, the approver's mail
    ├── DeliveryCase        an order confirmed, shipped by a carrier
    │   ├── AfterSalesCase  delivered and confirmed; the satisfaction survey
    │   └── MaterialCase    sales materials and their mails
    └── DunningCase         overdue invoices and dunning runs

    LinkCase                (an HttpCase) what other users read of a mailed link
    FeasibilityLinkPages    (mixed into an HttpCase) the approver's page and form

`run_queued_crons` runs the queued cron work as cron workers would.
"""

import base64
import io
import re
from contextlib import contextmanager
from datetime import datetime

from freezegun import freeze_time
from PIL import Image

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, HttpCase, TransactionCase, new_test_user

OVERSIZE = (11000, 11000)  # 121 megapixels in 15 KB


def png(size=(20, 10)):
    """A white PNG, base64-encoded as a binary field takes it."""
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue())


def blank_png(size):
    """A blank PNG: a few kilobytes, whatever its size in pixels."""
    buffer = io.BytesIO()
    Image.new("1", size).save(buffer, format="PNG")
    return buffer.getvalue()


class CustomerProcessCase(TransactionCase):
    """Fixtures shared by the addon's tests: a company calendar with a
    weekend and a holiday, a make-to-order product with its bill of
    materials, a product sold from stock, customers of two field reps and of
    head office, and the people of the process as real (non-superuser) users."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1)
        cls.route_mto = cls.env.ref("stock.route_warehouse0_mto")
        cls.route_mto.active = True

        # 8 working hours a day, Monday to Friday, in UTC so that the tests
        # read plainly; Thursday 5 March 2026 is a public holiday.
        cls.calendar = cls.env["resource.calendar"].create({
            "name": "Test 8h calendar",
            "tz": "UTC",
            "hours_per_day": 8.0,
            "attendance_ids": [Command.clear()] + [
                Command.create({"name": f"day {day}", "dayofweek": str(day), "hour_from": start,
                                "hour_to": end, "day_period": period})
                for day in range(5)
                for start, end, period in ((8, 12, "morning"), (12, 16, "afternoon"))
            ],
        })
        cls.env["resource.calendar.leaves"].create({
            "name": "Test holiday", "calendar_id": cls.calendar.id,
            "date_from": "2026-03-05 00:00:00", "date_to": "2026-03-05 23:59:59",
        })
        cls.company.write({
            "resource_calendar_id": cls.calendar.id,
            "csp_feasibility_sla_hours": 8.0,
            "csp_fulfilment_sla_days": 14.0,
        })

        cls.head_office = new_test_user(
            cls.env, login="csp_test_head_office", name="Test Head Office",
            groups="customer_service_process.group_head_office,stock.group_stock_user,"
                   "mrp.group_mrp_user")
        cls.manager = new_test_user(
            cls.env, login="csp_test_manager", name="Test Head of Sales",
            groups="customer_service_process.group_process_manager")
        cls.rep = new_test_user(
            cls.env, login="csp_test_rep", name="Test Field Rep",
            groups="customer_service_process.group_field_rep")
        cls.rep2 = new_test_user(
            cls.env, login="csp_test_rep2", name="Test Field Rep 2",
            groups="customer_service_process.group_field_rep")
        cls.accountant = new_test_user(
            cls.env, login="csp_test_accountant", name="Test Accountant",
            groups="account.group_account_invoice")
        cls.company.csp_head_of_sales_id = cls.manager

        cls.component = cls.env["product.product"].create({
            "name": "Test housing", "is_storable": True, "standard_price": 100.0,
        })
        cls.pump = cls.env["product.product"].create({
            "name": "Test pump (made to order)",
            "is_storable": True,
            "list_price": 900.0,
            "standard_price": 500.0,
            # Manufacture is the warehouse's route in Odoo 19: MTO + a BoM
            # is what makes a product made to order.
            "route_ids": [Command.set([cls.route_mto.id])],
        })
        cls.bom = cls.env["mrp.bom"].create({
            "product_tmpl_id": cls.pump.product_tmpl_id.id,
            "product_qty": 1,
            "bom_line_ids": [Command.create({"product_id": cls.component.id, "product_qty": 2})],
        })
        cls.spare_part = cls.env["product.product"].create({
            "name": "Test spare part", "is_storable": True, "list_price": 50.0,
            "standard_price": 20.0,
        })
        cls.customer = cls.env["res.partner"].create({
            "name": "Test Customer Ltd", "is_company": True, "email": "buyer@test.example.com",
            "user_id": cls.head_office.id, "customer_rank": 1,
        })
        cls.rep_customer = cls.env["res.partner"].create({
            "name": "Rep One Customer", "is_company": True, "user_id": cls.rep.id,
            "customer_rank": 1, "email": "rep1customer@test.example.com",
        })
        cls.rep_contact = cls.env["res.partner"].create({
            "name": "Buyer at Rep One Customer", "parent_id": cls.rep_customer.id,
        })
        cls.rep2_customer = cls.env["res.partner"].create({
            "name": "Rep Two Customer", "is_company": True, "user_id": cls.rep2.id,
            "customer_rank": 1, "email": "rep2customer@test.example.com",
        })
        cls.unassigned_customer = cls.env["res.partner"].create({
            "name": "Unassigned Customer", "is_company": True, "customer_rank": 1,
        })

    def setUp(self):
        # The fixtures of setUpClass end as a request does, once for every
        # test: their precommit hooks (the process log) run before the
        # test's own savepoint.
        self.env.cr.flush()
        super().setUp()

    @classmethod
    def _stock(cls, product, quantity):
        cls.env["stock.quant"]._update_available_quantity(
            product, cls.warehouse.lot_stock_id, quantity)

    def _quotation(self, user, partner, product, quantity=1.0, **values):
        """A quotation made through the form, as `user`."""
        env = self.env(user=user)
        with Form(env["sale.order"]) as quotation:
            quotation.partner_id = partner.with_env(env)
            for name, value in values.items():
                setattr(quotation, name, value)
            with quotation.order_line.new() as line:
                line.product_id = product.with_env(env)
                line.product_uom_qty = quantity
        return quotation.save()

    @contextmanager
    def at(self, moment):
        """Do what the block does at `moment`: time frozen, and the ORM's
        pending computations (the process stage among them) flushed and the
        precommit hooks run (the process log among them) before the clock
        moves on, as at the end of a real request."""
        with freeze_time(moment):
            yield
            self.env.cr.flush()

    def end_request(self):
        """What the end of a request does before its commit: flush, and run
        the precommit hooks (the process log, milestones and notices)."""
        self.env.cr.flush()

    def _queries(self, work):
        """`work()`'s result and the queries it cost, from an empty cache:
        what was pending is flushed before, what it leaves pending is
        flushed within the count."""
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        result = work()
        self.env.flush_all()
        return result, self.env.cr.sql_log_count - before


class FeasibilityCase(CustomerProcessCase):
    """Helpers of the feasibility tests: the check run through its button,
    as the user who presses it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({
            "csp_min_margin_percent": 20.0,
            "csp_overdue_limit": 500.0,
            "csp_feasibility_auto_accept": True,
            "csp_feasibility_required": False,
        })
        cls.vendor = cls.env["res.partner"].create({"name": "Test Vendor"})

    def _check(self, order, user):
        action = order.with_user(user).action_csp_check_feasibility()
        self.assertEqual(action["res_model"], "csp.feasibility.check")
        self.assertEqual(action["target"], "new")
        return self.env["csp.feasibility.check"].with_user(user).browse(action["res_id"])

    def _results(self, check, kind):
        return check.sudo().result_ids.filtered(lambda r: r.kind == kind)

    def _answers(self, order, subject_part):
        return self.env["mail.message"].sudo().search([
            ("model", "=", "sale.order"), ("res_id", "=", order.id),
            ("subject", "ilike", subject_part)])


class ApprovalCase(FeasibilityCase):
    """Quotations whose margin is below the minimum, sent for approval, and
    the approver's answer: from his mail's link or the decision wizard."""

    def _pending(self, user=None, price=22.0, **values):
        """A rep's quotation whose margin is below the minimum, sent for approval."""
        user = user or self.rep
        self._stock(self.spare_part, 10)
        order = self._quotation(user, self.rep_customer, self.spare_part, 2, **values)
        order.with_user(user).order_line.price_unit = price
        check = self._check(order, user)
        check.action_submit()
        self.assertEqual(check.state, "pending")
        return order, check

    def _approval_mail(self, check):
        return self.env["mail.mail"].sudo().search([
            ("body_html", "ilike", f"/csp/feasibility/{check.id}/")], order="id desc", limit=1)

    def _mailed_token(self, check):
        """The approver's token, as he finds it in his mail (the check keeps
        only its digest)."""
        mail = self._approval_mail(check)
        found = re.search(rf"/csp/feasibility/{check.id}/([\w-]+)", mail.body_html or "")
        return found and found.group(1)

    def _decide(self, check, user, **values):
        action = check.with_user(user).action_open_decision()
        wizard = Form(self.env[action["res_model"]].with_user(user).with_context(
            **action["context"]))
        for name, value in values.items():
            setattr(wizard, name, value)
        return wizard.save().action_decide()


class DeliveryCase(CustomerProcessCase):
    """An order of rep1's customer, taken by head office, shipped by a carrier."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"csp_delivery_reminder_days": 3, "csp_delivery_autoconfirm_days": 10})
        shipping = cls.env["product.product"].create({"name": "Test shipping", "type": "service"})
        cls.carrier = cls.env["delivery.carrier"].create({
            "name": "Test Express", "product_id": shipping.id})

    def _order(self, quantity=5, product=None):
        product = product or self.spare_part
        self._stock(product, 20)
        order = self._quotation(self.head_office, self.rep_customer, product, quantity,
                                user_id=self.rep)
        order.with_user(self.head_office).action_confirm()
        return order

    def _ship(self, order, quantity=None, backorder=False):
        picking = order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state not in ("done", "cancel"))
        picking = picking.with_user(self.head_office)
        picking.write({"carrier_id": self.carrier.id, "carrier_tracking_ref": "TRK-42"})
        picking.action_assign()
        if quantity is not None:
            picking.move_ids.quantity = quantity
        else:
            picking.move_ids.quantity = picking.move_ids.product_uom_qty
        result = picking.button_validate()
        if isinstance(result, dict) and result.get("res_model") == "stock.backorder.confirmation":
            wizard = Form.from_action(self.env, result).save()
            if backorder:
                wizard.process()
            else:
                wizard.process_cancel_backorder()
        return picking

    def _dispatch_mails(self, picking):
        # On no thread (the link is the customer's): found by their subject.
        return self.env["mail.mail"].sudo().search([
            ("subject", "ilike", f"is on its way ({picking.name})")])

    def _mailed_token(self, picking):
        """The customer's token, from the last mail he got for the delivery
        (the delivery keeps only its digest)."""
        mail = self.env["mail.mail"].sudo().search([
            ("body_html", "ilike", f"/csp/delivery/{picking.id}/")], order="id desc", limit=1)
        found = re.search(rf"/csp/delivery/{picking.id}/([\w-]+)", mail.body_html or "")
        return found and found.group(1)

    def _late_production(self):
        """A made-to-order pump's production that ends after the order's
        commitment date."""
        self._stock(self.component, 10)
        order = self._order(quantity=1, product=self.pump)
        production = order.sudo().mrp_production_ids
        order.sudo().commitment_date = datetime(2026, 3, 3, 12, 0)
        production.write({"date_start": datetime(2026, 3, 2, 8, 0),
                          "date_finished": datetime(2026, 3, 4, 16, 0)})
        return production


class AfterSalesCase(DeliveryCase):
    """Orders delivered and confirmed by the customer, and the satisfaction
    survey he is invited to."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.survey = cls.env.ref("customer_service_process.survey_satisfaction")
        cls.company.write({"csp_survey_id": cls.survey.id, "csp_survey_delay_days": 0,
                           "csp_survey_reminder_days": 5})

    def _delivered(self, quantity=5, moment="2026-03-02 10:00:00", invoiced=False):
        with self.at(moment):
            order = self._order(quantity=quantity)
            picking = self._ship(order)
            if invoiced:
                invoice = order.sudo()._create_invoices()
                invoice.action_post()
            picking._csp_confirm("Buyer", "office")
        return order, picking

    def _invitations(self, order):
        # On no thread (the link is the customer's): found by their subject.
        return self.env["mail.mail"].sudo().search([
            ("subject", "ilike", f"how did we do with {order.name}?")])

    def _answer(self, order, overall, nps, *, on_time=True, quality=4, improve="Faster"):
        answer = order.sudo().csp_survey_input_id
        questions = {q.csp_metric: q for q in self.survey.question_ids}
        answer._save_lines(questions["overall"], str(overall))
        answer._save_lines(questions["nps"], str(nps))
        yes_no = questions["on_time"].suggested_answer_ids
        answer._save_lines(questions["on_time"], str(
            yes_no.filtered("csp_is_yes" if on_time else lambda a: not a.csp_is_yes).id))
        answer._save_lines(questions["quality"], str(quality))
        answer._save_lines(questions["improve"], improve)
        answer._mark_done()
        return answer


class MaterialCase(DeliveryCase):
    """Sales materials (a leaflet), their sends and the customers' mails."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.csp_material_sla_hours = 5.0
        cls.leaflet = cls.env["ir.attachment"].create({
            "name": "pumps-2026.pdf", "raw": b"%PDF-1.4 leaflet", "mimetype": "application/pdf"})

    def _material(self, user=None, **values):
        user = user or self.head_office
        with Form(self.env["csp.sales.material"].with_user(user)) as form:
            form.name = values.pop("name", "Spring leaflet")
            form.valid_from = values.pop("valid_from", "2026-03-01")
            for name, value in values.items():
                setattr(form, name, value)
        material = form.record
        if "attachment_ids" not in values:
            material.sudo().attachment_ids = self.leaflet
        return material

    def _material_mails(self, material):
        run_queued_crons(self.env)  # the cron workers make the mails
        return self.env["mail.mail"].sudo().search([
            ("csp_material_send_id.material_id", "=", material.id)])

    def _material_token(self, send):
        """The customer's token, from his mail (the send keeps its digest)."""
        run_queued_crons(self.env)
        mail = self.env["mail.mail"].sudo().search([("csp_material_send_id", "=", send.id)])
        found = re.search(rf"/csp/material/{send.id}/([\w-]+)", mail.body_html or "")
        return found and found.group(1)


class DunningCase(CustomerProcessCase):
    """Overdue invoices, dunning runs made and sent as the accountant does,
    payments."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Level = cls.env["csp.dunning.level"]
        cls.levels = cls.Level.search([("company_id", "=", cls.company.id)])
        cls.friendly, cls.second, cls.final, cls.hold = cls.levels.sorted("days")
        cls.company.write({"csp_dunning_auto_send": False,
                           "csp_dunning_fee_product_id": cls.env.ref(
                               "customer_service_process.product_dunning_fee").id})
        cls.customer.email = "buyer@test.example.com"
        # The other companies (the demo's Pompex Pumps, with a year of
        # overdue invoices) keep their daily runs out of these counts.
        cls.env["res.company"].search([("id", "!=", cls.company.id)]).write(
            {"csp_dunning_enabled": False})

    @classmethod
    def _invoice(cls, partner, amount, due, currency=None, company=None):
        company = company or cls.company
        invoice = cls.env["account.move"].with_company(company).create({
            "move_type": "out_invoice", "partner_id": partner.id,
            "invoice_date": "2026-01-05", "invoice_date_due": due,
            "currency_id": (currency or company.currency_id).id,
            "invoice_line_ids": [Command.create({
                "name": "Pumps", "quantity": 1, "price_unit": amount,
                "tax_ids": [Command.clear()]})],
        })
        invoice.action_post()
        invoice.invoice_date_due = due
        return invoice

    def _run(self, on, user=None):
        user = user or self.accountant
        wizard = Form(self.env["csp.dunning.wizard"].with_user(user))
        wizard.date = on
        action = wizard.save().action_run()
        return self.env["csp.dunning.run"].with_user(user).browse(action["res_id"])

    def _send(self, run):
        """Send as the accountant does: the button queues, cron workers send."""
        run.action_send()
        self.assertEqual(run.state, "sending")
        run_queued_crons(self.env)
        return run

    def _pay(self, invoice, amount):
        self.env["account.payment.register"].with_user(self.accountant).with_context(
            active_model="account.move", active_ids=invoice.ids).create(
            {"amount": amount})._create_payments()


class LinkCase(HttpCase):
    """What the users who are not the recipient can read, through JSON-RPC."""

    def _messages_with(self, user, text):
        """The mail.message records `user` finds holding `text`, searched and
        read as he would through the web client."""
        self.authenticate(user.login, user.login)
        return self.make_jsonrpc_request("/web/dataset/call_kw/mail.message/search_read", {
            "model": "mail.message", "method": "search_read",
            "args": [[("body", "ilike", text)]], "kwargs": {"fields": ["body", "model"]},
        })

    def _assert_private(self, mail, partner, token, readers):
        """The mail goes to `partner` alone, on no thread, and none of
        `readers` finds the token in any message."""
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, partner)
        self.assertFalse(mail.model)
        self.assertFalse(mail.res_id)
        self.assertFalse(mail.email_to)
        self.assertFalse(mail.email_cc)
        self.assertFalse(mail.mail_message_id.partner_ids)
        self.assertIn(token, mail.body_html)
        for user in readers:
            self.assertEqual(self._messages_with(user, token), [], user.login)
            with self.assertRaises(AccessError, msg=user.login):
                mail.mail_message_id.with_user(user).read(["body"])


class FeasibilityLinkPages:
    """The approver's page and its form, as his browser reaches them (mixed
    into an HttpCase)."""

    def _open(self, check, token):
        return self.url_open(f"/csp/feasibility/{check.id}/{token}")

    def _post(self, check, token, page, **data):
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        return self.url_open(f"/csp/feasibility/{check.id}/{token}/decide",
                             data=dict(data, csrf_token=csrf))


def run_queued_crons(env, max_rounds=100):
    """Run the addon's queued cron work to completion, as cron workers would.

    Each active cron of the addon with work queued (a trigger due, or records
    left in the domain of one of its `csp.batch` jobs) is run through
    ir.cron's own job runner (`method_direct_trigger`: the job in a
    transaction of its own, committed batch by batch by `_commit_progress`,
    run again while partially done), in a thread of its own as a cron worker
    (the test's lock released meanwhile, so that wkhtmltopdf can fetch its
    CSS from the test server), round after round until no cron has work
    left.  The registry is put in test mode when it is not (a
    TransactionCase; an HttpCase always is), so that the cron's cursor and
    its commits are savepoints of the test's transaction.  Call it after
    pressing a button that queues work (Send, Print Letters)."""
    import threading  # noqa: PLC0415
    from contextlib import ExitStack  # noqa: PLC0415

    from odoo import fields  # noqa: PLC0415
    from odoo.tests.common import BaseCase, release_test_lock  # noqa: PLC0415

    def as_cron_worker(cron):
        failures = []

        def work():
            try:
                cron.method_direct_trigger()
            except BaseException as error:  # raised again below
                failures.append(error)

        worker = threading.Thread(target=work, name=f"csp cron worker {cron.id}")
        with release_test_lock():
            worker.start()
            worker.join()
        if failures:
            raise failures[0]

    registry = env.registry
    with ExitStack() as stack:
        env.flush_all()
        if "cursor" not in vars(registry):  # not in test mode yet
            for patcher in BaseCase._registry_test_mode_patches(cr=env.cr, registry=registry):
                stack.enter_context(patcher)
        stack.callback(env.invalidate_all)
        su = env(su=True)
        crons = su["ir.cron"].browse(su["ir.model.data"].search([
            ("module", "=", "customer_service_process"), ("model", "=", "ir.cron"),
        ]).mapped("res_id")).exists().filtered("active")
        jobs = [(su[name], job, su.ref(xmlid)) for name, model in registry.items()
                if not model._abstract and getattr(model, "_csp_batch_jobs", None)
                for job, xmlid in model._csp_batch_jobs.items()]
        for _round in range(max_rounds):
            now = fields.Datetime.now()
            due = su["ir.cron.trigger"].search(
                [("cron_id", "in", crons.ids), ("call_at", "<=", now)]).cron_id
            due |= su["ir.cron"].union(*(
                cron for Model, job, cron in jobs
                if cron in crons and Model.search_count(Model._csp_batch_domain(job))))
            if not due:
                return
            for cron in due:
                # What a cron worker clears when it takes the job.
                su["ir.cron.trigger"].search(
                    [("cron_id", "=", cron.id), ("call_at", "<=", now)]).unlink()
                as_cron_worker(cron)
                env.invalidate_all()
        raise AssertionError(f"Cron work still queued after {max_rounds} rounds: {due}")
