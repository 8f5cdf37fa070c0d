from datetime import datetime

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessDenied
from odoo.tests import Form, TransactionCase, tagged

from .outside import OutsideCase

DEMO_LOGINS = ("headoffice", "rep1", "rep2", "manager", "accountant")


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """The demo database tells the story of a small pump manufacturer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ref = lambda self, xmlid: self.env.ref(f"customer_service_process.{xmlid}")
        cls.rep1 = cls.env.ref("customer_service_process.user_rep1")
        cls.rep2 = cls.env.ref("customer_service_process.user_rep2")
        cls.head_office = cls.env.ref("customer_service_process.user_headoffice")

    def test_demo_users_log_in_with_documented_passwords(self):
        Users = self.env["res.users"]
        for login in DEMO_LOGINS:
            with self.subTest(login=login):
                info = Users.authenticate(
                    {"login": login, "password": login, "type": "password"},
                    {"interactive": False})
                user = Users.browse(info["uid"])
                self.assertEqual(user.login, login)
                self.assertTrue(user._is_internal())
        with self.assertRaises(AccessDenied):
            Users.authenticate({"login": "rep1", "password": "wrong", "type": "password"},
                               {"interactive": False})

    def test_demo_users_have_their_roles(self):
        self.assertTrue(self.head_office.has_group("sales_team.group_sale_salesman_all_leads"))
        for rep in (self.rep1, self.rep2):
            self.assertTrue(rep.has_group("sales_team.group_sale_salesman"))
            self.assertFalse(rep.has_group("sales_team.group_sale_salesman_all_leads"))
        manager = self.env.ref("customer_service_process.user_manager")
        self.assertTrue(manager.has_group("sales_team.group_sale_manager"))
        accountant = self.env.ref("customer_service_process.user_accountant")
        self.assertTrue(accountant.has_group("account.group_account_manager"))

    def test_customers_are_split_between_head_office_and_two_reps(self):
        customers = self.env["res.partner"].search([
            ("is_company", "=", True),
            ("user_id", "in", (self.rep1 | self.rep2 | self.head_office).ids),
        ])
        self.assertGreaterEqual(len(customers), 10)
        by_person = {user: customers.filtered(lambda c, u=user: c.user_id == u)
                     for user in (self.rep1, self.rep2, self.head_office)}
        for user, their_customers in by_person.items():
            self.assertTrue(their_customers, f"{user.login} has no customers")

    def test_company_works_on_a_calendar_with_holidays(self):
        calendar = self.ref("company_pompex").resource_calendar_id
        self.assertEqual(calendar, self.env.ref("customer_service_process.calendar_pompex"))
        holidays = calendar.leave_ids.filtered(lambda leave: not leave.resource_id)
        self.assertGreaterEqual(len(holidays), 3)
        # Christmas Day 2026 is a Friday and a holiday: no working hours.
        hours = calendar.get_work_hours_count(
            datetime(2026, 12, 25, 0, 0), datetime(2026, 12, 25, 23, 59))
        self.assertEqual(hours, 0)
        hours = calendar.get_work_hours_count(
            datetime(2026, 12, 22, 0, 0), datetime(2026, 12, 22, 23, 59))
        self.assertEqual(hours, 8)

    def test_products_made_to_order_and_from_stock(self):
        pump = self.env.ref("customer_service_process.product_pump_cp50")
        self.assertIn(self.env.ref("stock.route_warehouse0_mto"), pump.route_ids)
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.ref("company_pompex").id)])
        self.assertEqual(len(warehouse), 1)
        self.assertTrue(warehouse.manufacture_to_resupply)
        self.assertTrue(pump.bom_ids.bom_line_ids)
        components = pump.bom_ids.bom_line_ids.product_id
        self.assertTrue(all(component.seller_ids for component in components))
        self.assertTrue(all(component.standard_price > 0 for component in components))
        spare = self.env.ref("customer_service_process.product_spare_impeller")
        self.assertFalse(spare.route_ids)
        self.assertGreater(spare.qty_available, 0)
        custom = self.env.ref("customer_service_process.product_pump_custom")
        self.assertTrue(custom.is_non_standard)

    def test_orders_in_several_states_with_manufacturing(self):
        orders = self.env["sale.order"].search([
            ("user_id", "in", (self.rep1 | self.rep2 | self.head_office).ids)])
        states = set(orders.mapped("state"))
        self.assertTrue({"draft", "sent", "sale", "cancel"} <= states, states)
        confirmed_mto = self.env.ref("customer_service_process.order_aquatech_1")
        self.assertEqual(confirmed_mto.state, "sale")
        self.assertEqual(confirmed_mto.mrp_production_count, 1)
        invoiced = self.env.ref("customer_service_process.order_nordic_1")
        self.assertEqual(invoiced.invoice_ids.state, "posted")

    def test_rep_sees_only_his_own_quotations(self):
        """Odoo's own 'own documents' rule already keeps rep1 out of rep2's
        orders (the backbone issue tightens it further)."""
        orders = self.env["sale.order"].with_user(self.rep1).search([])
        self.assertTrue(orders)
        self.assertNotIn(self.rep2, orders.user_id)
        self.assertIn(self.env.ref("customer_service_process.order_aquatech_2"), orders)

    def test_demo_headoffice_confirms_a_pump_order_into_production(self):
        """The demo user `headoffice` sells a made-to-order pump to a demo
        customer: confirming it creates its manufacturing order."""
        env = self.env(user=self.head_office)
        pump = self.env.ref("customer_service_process.product_pump_cp80")
        with Form(env["sale.order"]) as quotation:
            quotation.partner_id = env.ref("customer_service_process.customer_warsaw_hvac")
            with quotation.order_line.new() as line:
                line.product_id = pump.with_env(env)
                line.product_uom_qty = 2
        order = quotation.save()
        order.action_confirm()
        self.assertEqual(order.mrp_production_ids.product_id, pump)
        self.assertEqual(order.mrp_production_ids.product_qty, 2)
        self.assertEqual(order.csp_stage_id.code, "in_production")

    def test_demo_complaint_disputes_the_invoice(self):
        complaint = self.env.ref("customer_service_process.complaint_farmwater_late")
        self.assertFalse(complaint.is_closed)
        self.assertTrue(complaint.invoice_ids)
        self.assertTrue(all(complaint.invoice_ids.mapped("csp_disputed")))
        self.assertEqual(complaint.user_id.login, "manager")


@tagged("post_install", "-at_install")
class TestDemoStory(OutsideCase):
    """Pompex Pumps is a Polish company of its own, with a year behind it:
    what its users meet over RPC and in the documents they download."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pompex = cls.env.ref("customer_service_process.company_pompex")
        cls.head_office = cls.env.ref("customer_service_process.user_headoffice")
        cls.manager = cls.env.ref("customer_service_process.user_manager")

    def test_its_users_work_in_pompex_only(self):
        self.as_user(self.head_office)
        info = self.make_jsonrpc_request("/web/session/get_session_info", {})
        companies = info["user_companies"]["allowed_companies"]
        self.assertEqual([company["name"] for company in companies.values()], ["Pompex Pumps"])
        company = self.search_read("res.company", [("id", "=", self.pompex.id)],
                                   ["currency_id", "country_id", "city", "phone",
                                    "account_sale_tax_id"])[0]
        self.assertEqual(company["currency_id"], self.env.ref("base.PLN").id)
        self.assertEqual(company["country_id"], self.env.ref("base.pl").id)
        self.assertEqual((company["city"], company["phone"]), ("Poznań", "+48 61 555 01 00"))
        self.assertEqual(self.env["account.tax"].browse(company["account_sale_tax_id"]).amount,
                         23.0)
        # Odoo's own demo company and its furniture customers stay out of
        # head office's orders and invoices.
        orders = self.search_read("sale.order", [], ["company_id", "currency_id"])
        self.assertTrue(orders)
        self.assertEqual({order["company_id"] for order in orders}, {self.pompex.id})
        self.assertEqual({order["currency_id"] for order in orders},
                         {self.env.ref("base.PLN").id})
        furniture = self.env.ref("base.res_partner_2")  # Deco Addict
        self.assertFalse(self.search_read("account.move", [("partner_id", "=", furniture.id)],
                                          ["name"]))

    def test_a_year_of_history_behind_the_figures(self):
        self.as_user(self.manager)
        today = fields.Date.today()
        start = today.replace(day=1) - relativedelta(months=12)
        groups = self.call("sale.order", "formatted_read_group",
                           [("date_order", ">=", str(start)), ("state", "=", "sale")],
                           ["date_order:month"], ["__count", "csp_answer_hours:avg"])
        self.assertGreaterEqual(len(groups), 12, groups)
        answers = {round(group["csp_answer_hours:avg"] or 0, 1) for group in groups}
        self.assertGreater(len(answers), 6, "answer times vary from month to month")
        # The process log: each stage entered over the year, not all today.
        log = self.call("csp.order.stage.log", "formatted_read_group",
                        [("entered_at", ">=", str(start))], ["entered_at:month"], ["__count"])
        self.assertGreaterEqual(len(log), 12)
        # Overdue invoices for the dunning run, paid ones for the figures.
        invoices = self.call("account.move", "formatted_read_group",
                             [("move_type", "=", "out_invoice"), ("state", "=", "posted")],
                             ["payment_state"], ["__count"])
        states = {group["payment_state"]: group["__count"] for group in invoices}
        self.assertGreater(states.get("paid", 0) + states.get("in_payment", 0), 20)
        self.assertGreater(states.get("not_paid", 0), 3)
        # The management report of last month: every target with its year.
        last = today.replace(day=1) - relativedelta(days=1)
        wizard = self.save("csp.kpi.report", {"date_from": str(last.replace(day=1)),
                                              "date_to": str(last)})
        action = self.button(self.env["csp.kpi.report"].browse(wizard), "action_print_pdf")
        text = self.pdf_text(self.download_report(action))
        self.assertIn("Pompex Pumps", text)
        self.assertIn("The last twelve months", text)
        self.assertIn("Each target's monthly figure", text)

    def test_todays_inquiries_wait_for_their_people(self):
        """The new customers' inquiries wait for the office manager, the
        existing customer's for his rep, each on their My Work."""
        rep1 = self.env.ref("customer_service_process.user_rep1")
        for user, count in ((self.head_office, 2), (rep1, 1)):
            self.as_user(user)
            mine = self.call("res.users", "web_read", [user.id],
                             specification={"csp_work_inquiry_count": {}})[0]
            self.assertEqual(mine["csp_work_inquiry_count"], count, user.login)
        lead = self.env.ref("customer_service_process.inquiry_email_unknown")
        self.assertEqual(lead.source_id,
                         self.env.ref("customer_service_process.utm_source_not_asked"))
