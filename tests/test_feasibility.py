from datetime import datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import FeasibilityCase


@tagged("post_install", "-at_install")
class TestFeasibilityChecks(FeasibilityCase):
    """Each check of the wizard, on its own, with its verdict and reason."""

    def test_everything_passes_and_the_order_is_accepted_automatically(self):
        self._stock(self.spare_part, 10)
        with self.at("2026-03-02 09:00:00"):  # Monday
            order = self._quotation(self.rep, self.rep_customer, self.spare_part, 4,
                                    commitment_date=datetime(2026, 3, 10, 12, 0))
        with self.at("2026-03-02 10:30:00"):
            check = self._check(order, self.rep)
            self.assertEqual(check.verdict, "feasible")
            self.assertEqual(check.state, "draft")
            stock = self._results(check, "stock")
            self.assertEqual(stock.status, "pass")
            self.assertEqual(stock.free_qty, 10)
            self.assertEqual(stock.ordered_qty, 4)
            self.assertIn("In stock", stock.reason)
            self.assertEqual(self._results(check, "profitability").status, "pass")
            self.assertEqual(self._results(check, "customer").status, "pass")
            self.assertEqual(check.proposed_date.isoformat(), "2026-03-02")
            check.action_submit()
        self.assertEqual(check.state, "approved")
        self.assertTrue(check.decision_auto)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.csp_approval_state, "approved")
        self.assertEqual(order.csp_answered_at, datetime(2026, 3, 2, 10, 30))
        self.assertAlmostEqual(order.csp_answer_hours, 1.5)
        self.assertTrue(order.csp_answer_on_time)
        # The answer went to the customer once, with the promised date.
        answers = self._answers(order, "is accepted")
        self.assertEqual(len(answers), 1)
        self.assertIn("03/10/2026", answers.body)
        self.assertIn(order.partner_id, answers.partner_ids)
        self.assertEqual(check.confirmed_date.isoformat(), "2026-03-10")

    def test_no_stock_and_no_bom_is_not_feasible(self):
        gadget = self.env["product.product"].create({
            "name": "Gadget nobody makes", "is_storable": True, "list_price": 10.0,
            "standard_price": 5.0})
        self._stock(gadget, 1)
        order = self._quotation(self.head_office, self.customer, gadget, 3)
        check = self._check(order, self.head_office)
        self.assertEqual(check.verdict, "not_feasible")
        stock = self._results(check, "stock")
        self.assertEqual(stock.status, "fail")
        self.assertIn("neither manufactured", stock.reason)
        self.assertIn("Short in stock: 2 (", stock.reason)
        check.action_submit()
        self.assertEqual(check.state, "pending")
        self.assertEqual(order.state, "draft", "nothing is confirmed before a decision")

    def test_component_that_cannot_arrive_in_time_gives_a_later_date(self):
        self.env["product.supplierinfo"].create({
            "partner_id": self.vendor.id, "product_tmpl_id": self.component.product_tmpl_id.id,
            "delay": 20, "price": 90.0})
        self.bom.produce_delay = 2
        with self.at("2026-03-02 09:00:00"):
            order = self._quotation(self.head_office, self.customer, self.pump, 1,
                                    commitment_date=datetime(2026, 3, 9, 12, 0))
            check = self._check(order, self.head_office)
        self.assertEqual(check.verdict, "conditions")
        production = self._results(check, "production")
        self.assertEqual(production.status, "warning")
        self.assertIn("later than the date asked", production.reason)
        self.assertIn("short: 2 Units", production.figures)
        # 20 calendar days for the housing (Sunday 22 March, 09:00), then
        # 2 working days of 8 h: Monday 23 and Tuesday 24 until 16:00.
        self.assertEqual(production.earliest_date.isoformat(), "2026-03-24")
        self.assertEqual(check.proposed_date.isoformat(), "2026-03-24")

    def test_component_without_stock_or_vendor_is_not_feasible(self):
        order = self._quotation(self.head_office, self.customer, self.pump, 1)
        check = self._check(order, self.head_office)
        self.assertEqual(check.verdict, "not_feasible")
        production = self._results(check, "production")
        self.assertEqual(production.status, "fail")
        self.assertIn("Test housing", production.reason)

    def test_made_to_order_with_components_in_stock_counts_work_centre_load(self):
        self._stock(self.component, 10)
        workcenter = self.env["mrp.workcenter"].create({
            "name": "Test assembly", "costs_hour": 60.0, "resource_calendar_id": self.calendar.id})
        self.bom.write({"operation_ids": [Command.create({
            "name": "Assemble", "workcenter_id": workcenter.id, "time_cycle_manual": 120.0})]})
        with self.at("2026-03-02 08:00:00"):
            order = self._quotation(self.head_office, self.customer, self.pump, 2)
            check = self._check(order, self.head_office)
        self.assertEqual(check.verdict, "feasible")
        production = self._results(check, "production")
        self.assertEqual(production.status, "pass")
        # 2 pumps x 2 h of assembly: Monday 08:00 + 4 working hours.
        self.assertEqual(production.earliest_date.isoformat(), "2026-03-02")
        self.assertIn("this order 4.0 h", production.figures)

    def test_margin_below_the_minimum_needs_a_decision(self):
        self._stock(self.spare_part, 10)
        order = self._quotation(self.head_office, self.customer, self.spare_part, 1)
        order.order_line.price_unit = 22.0  # cost 20: 9 %
        check = self._check(order, self.head_office)
        self.assertEqual(check.verdict, "conditions")
        line_result = self._results(check, "profitability").filtered("order_line_id")
        self.assertEqual(line_result.status, "warning")
        self.assertIn("below the minimum", line_result.reason)
        self.assertAlmostEqual(line_result.margin_percent, 9.09, places=2)
        self.assertIn("margin 9.1 %", line_result.cost_figures)

        # Below cost: not feasible.
        order.order_line.price_unit = 15.0
        check = self._check(order, self.head_office)
        self.assertEqual(check.verdict, "not_feasible")
        self.assertIn("below its cost",
                      self._results(check, "profitability").filtered("order_line_id").reason)

        # A category with its own, lower minimum lets 9 % pass.
        category = self.env["product.category"].create({
            "name": "Low-margin parts", "csp_margin_override": True,
            "csp_min_margin_percent": 5.0})
        self.spare_part.categ_id = category
        self.company.csp_min_margin_percent = 5.0
        order.order_line.price_unit = 22.0
        check = self._check(order, self.head_office)
        self.assertEqual(check.verdict, "feasible")

    def test_rep_does_not_see_costs_in_the_results(self):
        self._stock(self.spare_part, 10)
        order = self._quotation(self.rep, self.rep_customer, self.spare_part, 1)
        order.with_user(self.rep).order_line.price_unit = 22.0
        check = self._check(order, self.rep)
        result = check.result_ids.filtered(lambda r: r.kind == "profitability")[:1]
        self.assertEqual(result.status, "warning")
        self.assertFalse(result.figures, "no cost or margin in words for a rep")
        with self.assertRaises(AccessError):
            result.read(["margin_percent"])

    def test_customer_over_the_overdue_limit_fails(self):
        self._stock(self.spare_part, 10)
        invoice = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": self.customer.id,
            "invoice_date": "2026-01-05", "invoice_date_due": "2026-01-20",
            "invoice_line_ids": [Command.create({
                "product_id": self.spare_part.id, "quantity": 20, "price_unit": 50.0,
                "tax_ids": [Command.clear()]})],
        })
        invoice.action_post()
        order = self._quotation(self.head_office, self.customer, self.spare_part, 1)
        check = self._check(order, self.head_office)
        self.assertEqual(check.verdict, "not_feasible")
        customer = self._results(check, "customer")
        self.assertEqual(customer.status, "fail")
        self.assertIn("overdue", customer.reason)
        self.assertIn("1,000.00", customer.reason)

        self.company.csp_overdue_limit = 2000.0
        check = self._check(order, self.head_office)
        self.assertEqual(self._results(check, "customer").status, "pass")

    def test_credit_limit_is_respected(self):
        self._stock(self.spare_part, 10)
        self.company.account_use_credit_limit = True
        self.customer.credit_limit = 30.0
        order = self._quotation(self.head_office, self.customer, self.spare_part, 1)
        check = self._check(order, self.head_office)
        customer = self._results(check, "customer")
        self.assertEqual(customer.status, "fail")
        self.assertIn("credit limit", customer.reason)

    def test_non_standard_product_always_needs_the_head_of_sales(self):
        self._stock(self.spare_part, 10)
        self.spare_part.is_non_standard = True
        order = self._quotation(self.rep, self.rep_customer, self.spare_part, 1)
        check = self._check(order, self.rep)
        self.assertEqual(check.verdict, "conditions")
        self.assertTrue(check.needs_head_of_sales)
        self.assertIn("head of sales", self._results(check, "non_standard").reason)
        check.action_submit()
        self.assertEqual(check.state, "pending")
        self.assertEqual(check.approver_id, self.manager)

    def test_bad_input_is_explained_and_nothing_is_confirmed(self):
        cheap = self.env["product.product"].create({
            "name": "Part without cost", "type": "consu", "list_price": 5.0})
        with self.at("2026-03-02 09:00:00"):
            order = self._quotation(self.head_office, self.customer, cheap, 1,
                                    commitment_date=datetime(2026, 2, 20, 12, 0))
            order.order_line = [Command.create({
                "product_id": self.spare_part.id, "product_uom_qty": 0})]
            check = self._check(order, self.head_office)
        reasons = check.result_ids.mapped("reason")
        self.assertIn("The quantity must be more than zero.", reasons)
        self.assertTrue(any("is in the past" in r for r in reasons))
        self.assertTrue(any("has no cost" in r for r in reasons))
        self.assertEqual(check.verdict, "not_feasible")
        self.assertEqual(order.state, "draft")

        empty = self.env["sale.order"].with_user(self.head_office).create(
            {"partner_id": self.customer.id})
        # The button asks for the products first; a check made otherwise
        # (an order received online) says the order has no lines.
        with self.assertRaisesRegex(UserError, "Add the products"):
            self._check(empty, self.head_office)
        check = self.env["csp.feasibility.check"].with_user(self.head_office)._csp_start(empty)
        self.assertEqual(check.verdict, "not_feasible")
        self.assertIn("The order has no lines.", check.result_ids.mapped("reason"))

    def test_missing_warehouse_and_calendar_are_explained(self):
        order = self._quotation(self.head_office, self.customer, self.spare_part, 1)
        order.sudo().warehouse_id = False
        self.company.resource_calendar_id = False
        check = self._check(order, self.head_office)
        reasons = check.result_ids.mapped("reason")
        self.assertTrue(any("no warehouse" in r for r in reasons))
        self.assertTrue(any("no working schedule" in r for r in reasons))
        self.assertEqual(check.verdict, "not_feasible")

    def test_discarded_check_leaves_nothing(self):
        order = self._quotation(self.rep, self.rep_customer, self.spare_part, 1)
        check = self._check(order, self.rep)
        check.action_discard()
        self.assertFalse(check.exists())
        self.assertEqual(order.csp_approval_state, "none")


@tagged("post_install", "-at_install")
class TestFeasibilityQueries(FeasibilityCase):
    """The check of an order reads in batches: 100 lines cost the queries of 10."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.products = cls.env["product.product"].create([{
            "name": f"Bulk part {index}", "is_storable": True, "list_price": 30.0,
            "standard_price": 10.0,
        } for index in range(100)])
        made = cls.env["product.product"].create([{
            "name": f"Bulk pump {index}", "is_storable": True, "list_price": 900.0,
            "route_ids": [Command.set([cls.route_mto.id])],
        } for index in range(100)])
        cls.env["mrp.bom"].create([{
            "product_tmpl_id": pump.product_tmpl_id.id, "product_qty": 1,
            "bom_line_ids": [Command.create({"product_id": cls.component.id, "product_qty": 1})],
        } for pump in made])
        cls.made = made
        for product in cls.products:
            cls._stock(product, 5)
        cls._stock(cls.component, 1000)

    def _order(self, count):
        lines = [Command.create({"product_id": p.id, "product_uom_qty": 2})
                 for p in self.products[:count // 2] + self.made[:count - count // 2]]
        return self.env["sale.order"].create({
            "partner_id": self.customer.id, "user_id": self.head_office.id,
            "order_line": lines})

    def _check_queries(self, count):
        order = self._order(count).with_user(self.head_office)
        check, spent = self._queries(
            lambda: self.env["csp.feasibility.check"].with_user(self.head_office)._csp_start(
                order))
        self.assertEqual(len(check.sudo().result_ids.filtered(lambda r: r.kind == "stock")),
                         count)
        self.assertEqual(check.verdict, "feasible")
        return spent

    def test_check_queries_do_not_grow_with_lines(self):
        self._check_queries(10)  # warm the caches of the registry
        few = self._check_queries(10)
        many = self._check_queries(100)
        self.assertEqual(few, many)

    def test_check_of_ten_lines_within_its_query_budget(self):
        order = self._order(10).with_user(self.head_office)
        self.env.flush_all()
        self._check_queries(10)
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=57):
            self.env["csp.feasibility.check"].with_user(self.head_office)._csp_start(order)
            self.env.flush_all()
