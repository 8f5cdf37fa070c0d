from odoo import Command
from odoo.tests import TransactionCase, new_test_user


class CustomerProcessCase(TransactionCase):
    """Fixtures shared by the addon's tests: a make-to-order product with its
    bill of materials, a product sold from stock, a customer, and the people
    of the process as real (non-superuser) users."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1)
        cls.route_mto = cls.env.ref("stock.route_warehouse0_mto")
        cls.route_mto.active = True

        cls.head_office = new_test_user(
            cls.env, login="csp_test_head_office", name="Test Head Office",
            groups="sales_team.group_sale_salesman_all_leads,stock.group_stock_user,"
                   "mrp.group_mrp_user")
        cls.rep = new_test_user(
            cls.env, login="csp_test_rep", name="Test Field Rep",
            groups="sales_team.group_sale_salesman")

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
        })
