from datetime import datetime

from odoo.exceptions import AccessDenied
from odoo.tests import Form, TransactionCase, tagged

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
        calendar = self.env.ref("base.main_company").resource_calendar_id
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
        warehouse = self.env.ref("stock.warehouse0")
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
