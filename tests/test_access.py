from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CustomerProcessCase


@tagged("post_install", "-at_install")
class TestAccess(CustomerProcessCase):
    """Field reps see their own customers and documents only; head office
    sees everything of its companies.  Every check runs as the real user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Order = cls.env["sale.order"]
        cls.rep_order = Order.with_user(cls.rep).create({
            "partner_id": cls.rep_customer.id,
            "order_line": [(0, 0, {"product_id": cls.spare_part.id, "product_uom_qty": 1})],
        })
        cls.rep2_order = Order.with_user(cls.rep2).create({
            "partner_id": cls.rep2_customer.id,
            "order_line": [(0, 0, {"product_id": cls.spare_part.id, "product_uom_qty": 1})],
        })
        cls.orphan_order = Order.create({
            "partner_id": cls.unassigned_customer.id, "user_id": False,
            "order_line": [(0, 0, {"product_id": cls.spare_part.id, "product_uom_qty": 1})],
        })

    def test_rep_searches_only_his_customers(self):
        Partner = self.env["res.partner"].with_user(self.rep)
        found = Partner.search([("is_company", "=", True), ("customer_rank", ">", 0)])
        self.assertIn(self.rep_customer, found)
        self.assertNotIn(self.rep2_customer, found)
        self.assertNotIn(self.unassigned_customer, found)
        self.assertNotIn(self.customer, found)
        self.assertIn(self.rep_contact, Partner.search([("parent_id", "=", self.rep_customer.id)]))
        names = [name for _id, name in Partner.name_search("Customer", limit=100)]
        self.assertIn("Rep One Customer", names)
        self.assertNotIn("Rep Two Customer", names)
        self.assertNotIn("Unassigned Customer", names)
        with self.assertRaises(AccessError):
            self.rep2_customer.with_user(self.rep).read(["name"])

    def test_rep_sees_only_his_orders(self):
        # Even a rep allowed to export cannot export what he cannot read.
        self.rep.group_ids += self.env.ref("base.group_allow_export")
        Order = self.env["sale.order"].with_user(self.rep)
        self.assertEqual(Order.search([]), self.rep_order)
        groups = Order._read_group([], ["user_id"], ["__count"])
        self.assertEqual(groups, [(self.rep, 1)])
        names = [name for _id, name in Order.name_search(self.rep2_order.name)]
        self.assertFalse(names)
        for other in (self.rep2_order, self.orphan_order):
            with self.assertRaises(AccessError):
                other.with_user(self.rep).read(["name"])
            with self.assertRaises(AccessError):
                other.with_user(self.rep).export_data(["name"])
            with self.assertRaises(AccessError):
                self.env["ir.actions.report"].with_user(self.rep)._render_qweb_html(
                    "sale.action_report_saleorder", other.ids)
            with self.assertRaises(AccessError):
                other.with_user(self.rep).message_post(body="Let me in")

    def test_rep_does_not_see_other_reps_chatter_or_log(self):
        self.rep2_order.message_post(body="Discount agreed with rep two's customer")
        messages = self.env["mail.message"].with_user(self.rep).search([
            ("model", "=", "sale.order"), ("res_id", "=", self.rep2_order.id)])
        self.assertFalse(messages)
        logs = self.env["csp.order.stage.log"].with_user(self.rep).search([])
        self.assertEqual(logs.order_id, self.rep_order)

    def test_head_office_sees_everything(self):
        Order = self.env["sale.order"].with_user(self.head_office)
        everyone = self.rep_order | self.rep2_order | self.orphan_order
        self.assertEqual(Order.search([("id", "in", everyone.ids)]), everyone)
        Partner = self.env["res.partner"].with_user(self.head_office)
        self.assertEqual(
            len(Partner.search([("id", "in", (self.rep_customer | self.rep2_customer
                                              | self.unassigned_customer).ids)])), 3)
        # Head office assigns a customer to a rep.
        self.unassigned_customer.with_user(self.head_office).user_id = self.rep
        self.assertIn(self.unassigned_customer,
                      self.env["res.partner"].with_user(self.rep).search([]))

    def test_rep_sees_no_costs_or_margins(self):
        with self.assertRaises(AccessError):
            self.spare_part.with_user(self.rep).read(["standard_price"])
        with self.assertRaises(AccessError):
            self.spare_part.product_tmpl_id.with_user(self.rep).read(["standard_price"])
        with self.assertRaises(AccessError):
            self.rep_order.with_user(self.rep).read(["margin"])
        with self.assertRaises(AccessError):
            self.rep_order.order_line.with_user(self.rep).read(["purchase_price"])
        with self.assertRaises(AccessError):
            self.env["sale.order"].with_user(self.rep).formatted_read_group(
                [], ["partner_id"], ["margin:sum"])
        # Reading everything he may read leaves the margins out.
        [values] = self.rep_order.with_user(self.rep).read()
        self.assertNotIn("margin", values)
        self.assertEqual(values["name"], self.rep_order.name)
        # Head office does see them.
        [values] = self.spare_part.with_user(self.head_office).read(["standard_price"])
        self.assertEqual(values["standard_price"], 20.0)
        self.rep_order.with_user(self.head_office).read(["margin"])

    def test_rep_cannot_change_process_cards_or_targets(self):
        card = self.env.ref("customer_service_process.process_offer_to_acceptance")
        self.assertTrue(card.with_user(self.rep).read(["name"]))
        with self.assertRaises(AccessError):
            card.with_user(self.rep).write({"name": "Mine now"})
        with self.assertRaises(AccessError):
            card.metric_ids[:1].with_user(self.rep).write({"target": 100})
        with self.assertRaises(AccessError):
            self.company.with_user(self.rep).write({"csp_feasibility_sla_hours": 80})
        card.with_user(self.manager).write({"owner_id": self.manager.id})
        self.assertEqual(card.owner_id, self.manager)

    def test_rule_holds_in_another_company(self):
        other = self.env["res.company"].create({"name": "Pompex Export"})
        self.head_office.company_ids = self.company
        order = self.env["sale.order"].with_company(other).create({
            "partner_id": self.customer.id, "company_id": other.id,
            "order_line": [(0, 0, {"product_id": self.spare_part.id, "product_uom_qty": 1})],
        })
        self.assertFalse(self.env["sale.order"].with_user(self.head_office).search(
            [("id", "=", order.id)]))
        self.assertFalse(self.env["csp.order.stage.log"].with_user(self.head_office).search(
            [("order_id", "=", order.id)]))
