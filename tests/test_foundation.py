from odoo.tests import Form, tagged

from .common import CustomerProcessCase


@tagged("post_install", "-at_install")
class TestFoundation(CustomerProcessCase):

    def test_app_menu_is_installed(self):
        """The addon is an application with its own top menu."""
        module = self.env["ir.module.module"].search([("name", "=", "customer_service_process")])
        self.assertEqual(module.state, "installed")
        self.assertTrue(module.application)
        root = self.env.ref("customer_service_process.menu_root")
        self.assertEqual(root.name, "Customer Process")
        self.assertFalse(root.parent_id)
        self.assertIn("Sales", root.child_id.mapped("name"))

    def test_head_office_confirms_made_to_order_quotation_creates_mo(self):
        """Head office confirms a quotation for a made-to-order pump: the
        manufacturing order for exactly the ordered quantity is created."""
        order = self._quotation(self.head_office, self.customer, self.pump, 3)
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.user_id, self.head_office)

        order.action_confirm()

        self.assertEqual(order.state, "sale")
        self.assertEqual(order.mrp_production_count, 1)
        production = order.mrp_production_ids
        self.assertEqual(production.product_id, self.pump)
        self.assertEqual(production.product_qty, 3)
        self.assertEqual(production.bom_id, self.bom)
        self.assertEqual(production.origin, order.name)

    def test_stock_product_quotation_creates_no_mo(self):
        """A product sold from stock is delivered, not manufactured."""
        order = self._quotation(self.head_office, self.customer, self.spare_part, 2)
        order.action_confirm()
        self.assertEqual(order.mrp_production_count, 0)
        self.assertEqual(order.picking_ids.move_ids.product_uom_qty, 2)

    def test_non_standard_flag_on_product_form(self):
        """A process manager marks a product as made to the customer's
        specification from the product form."""
        with Form(self.env["product.template"]) as product:
            product.name = "Pump to drawing 4711"
            product.is_non_standard = True
        self.assertTrue(product.record.is_non_standard)
        found = self.env["product.template"].search([("is_non_standard", "=", True)])
        self.assertIn(product.record, found)
