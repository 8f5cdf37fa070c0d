"""Who owns what: a rep's customers, their documents and the money, tried
through Odoo's RPC dispatch as the real users."""

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .test_process_integrity import RpcCase


@tagged("post_install", "-at_install")
class TestOwnership(RpcCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse_user = new_test_user(
            cls.env, login="csp_test_warehouse", name="Test Warehouse",
            groups="stock.group_stock_user")
        workcenter = cls.env["mrp.workcenter"].create({"name": "Test assembly"})
        cls.bom.operation_ids = [Command.create({
            "name": "Assemble", "workcenter_id": workcenter.id, "time_cycle_manual": 30})]
        cls._stock(cls.spare_part, 50)
        cls._stock(cls.component, 50)
        cls.rep_order = cls._confirmed_order(cls.rep, cls.rep_customer)
        cls.rep2_order = cls._confirmed_order(cls.rep2, cls.rep2_customer)

    @classmethod
    def _confirmed_order(cls, user, customer):
        order = cls.env["sale.order"].create({
            "partner_id": customer.id, "user_id": user.id,
            "order_line": [Command.create({"product_id": cls.spare_part.id,
                                           "product_uom_qty": 2}),
                           Command.create({"product_id": cls.pump.id, "product_uom_qty": 1})],
        })
        order.action_confirm()
        return order

    def _moves(self, order):
        return (order.picking_ids.move_ids | order.mrp_production_ids.move_raw_ids
                | order.mrp_production_ids.move_finished_ids)

    def test_rep_reaches_only_his_orders_moves_and_work_orders(self):
        mine, theirs = self._moves(self.rep_order), self._moves(self.rep2_order)
        self.assertTrue(mine and theirs)
        found = self.rpc(self.rep, "stock.move", "search", [("id", "in", (mine | theirs).ids)])
        self.assertEqual(set(found), set(mine.ids))
        self.assertRefused(self.rep, "stock.move", "read", theirs.ids, ["product_uom_qty"])
        self.assertRefused(self.rep, "stock.move", "write", theirs[:1].ids,
                           {"description_picking": "mine now"})
        lines = self.env["stock.move.line"].search([("move_id", "in", (mine | theirs).ids)])
        self.assertTrue(lines.filtered(lambda line: line.move_id in theirs))
        found = self.rpc(self.rep, "stock.move.line", "search_read",
                         [("id", "in", lines.ids)], ["move_id"])
        self.assertEqual({row["move_id"][0] for row in found} - set(mine.ids), set())
        my_work = self.rep_order.mrp_production_ids.workorder_ids
        their_work = self.rep2_order.mrp_production_ids.workorder_ids
        self.assertTrue(my_work and their_work)
        found = self.rpc(self.rep, "mrp.workorder", "search",
                         [("id", "in", (my_work | their_work).ids)])
        self.assertEqual(set(found), set(my_work.ids))
        self.assertRefused(self.rep, "mrp.workorder", "read", their_work.ids, ["name"])
        # Head office reaches all of them.
        found = self.rpc(self.head_office, "stock.move", "search",
                         [("id", "in", (mine | theirs).ids)])
        self.assertEqual(len(found), len(mine | theirs))

    def test_rep_quotes_only_his_own_customers(self):
        self.assertRefused(self.rep, "sale.order", "create", {
            "partner_id": self.rep2_customer.id})
        self.assertRefused(self.rep, "sale.order", "create", {
            "partner_id": self.unassigned_customer.id})
        quotation = self._quotation(self.rep, self.rep_customer, self.spare_part, 1)
        self.assertRefused(self.rep, "sale.order", "write", quotation.ids,
                           {"partner_id": self.rep2_customer.id})
        self.assertRefused(self.rep, "sale.order", "write", quotation.ids,
                           {"user_id": self.rep2.id})
        # His customer's contact is his customer.
        self.rpc(self.rep, "sale.order", "write", quotation.ids,
                 {"partner_id": self.rep_contact.id})
        # Head office quotes anybody.
        self.rpc(self.head_office, "sale.order", "create",
                 {"partner_id": self.rep2_customer.id})

    def test_rep_never_reassigns_a_customer(self):
        vendor = self.env["res.partner"].create({"name": "Test Vendor Unassigned",
                                                 "is_company": True})
        self.assertTrue(self.rpc(self.rep, "res.partner", "search", [("id", "=", vendor.id)]))
        self.assertRefused(self.rep, "res.partner", "write", vendor.ids, {"user_id": self.rep.id})
        self.assertRefused(self.rep, "res.partner", "write", vendor.ids, {"name": "Mine"})
        self.assertRefused(self.rep, "res.partner", "write", self.rep_customer.ids,
                           {"user_id": self.rep2.id})
        self.assertRefused(self.rep, "res.partner", "create",
                           {"name": "Given away", "user_id": self.rep2.id})
        self.assertFalse(vendor.user_id)
        self.assertEqual(self.rep_customer.user_id, self.rep)
        # What he creates is his; he edits his customers and their contacts.
        new_id = self.rpc(self.rep, "res.partner", "create",
                          {"name": "New Customer of Rep One", "is_company": True})
        self.assertEqual(self.env["res.partner"].browse(new_id).user_id, self.rep)
        self.rpc(self.rep, "res.partner", "create",
                 {"name": "Buyer", "parent_id": self.rep_customer.id})
        self.rpc(self.rep, "res.partner", "write", self.rep_contact.ids, {"phone": "+48 1"})
        # Head office assigns.
        self.rpc(self.head_office, "res.partner", "write", vendor.ids, {"user_id": self.rep.id})

    def test_dunning_pauses_are_the_accountants(self):
        tag = self.env["res.partner.category"].create({"name": "Key account",
                                                       "csp_no_dunning": True})
        self.assertRefused(self.rep, "res.partner", "write", self.rep_customer.ids,
                           {"csp_no_dunning_until": "2027-01-01"})
        self.assertRefused(self.rep, "res.partner.category", "create",
                           {"name": "Friends", "csp_no_dunning": True})
        self.assertRefused(self.rep, "res.partner.category", "write", tag.ids,
                           {"csp_no_dunning": False})
        self.assertRefused(self.rep, "res.partner", "write", self.rep_customer.ids,
                           {"category_id": [Command.link(tag.id)]})
        self.assertRefused(self.head_office, "res.partner", "write", self.rep_customer.ids,
                           {"csp_no_dunning_until": "2027-01-01"})
        self.assertFalse(self.rep_customer.csp_no_dunning_until)
        self.assertFalse(self.rep_customer.category_id)
        # A tag without the flag is anybody's.
        plain = self.env["res.partner.category"].create({"name": "Visited"})
        self.rpc(self.rep, "res.partner", "write", self.rep_customer.ids,
                 {"category_id": [Command.link(plain.id)]})
        # The accountant decides: a pause (without managing contacts), and
        # with the contacts right, the tags.
        self.rpc(self.accountant, "res.partner", "write", self.rep_customer.ids,
                 {"csp_no_dunning_until": "2027-01-01"})
        self.assertEqual(str(self.rep_customer.csp_no_dunning_until), "2027-01-01")
        self.assertRefused(self.accountant, "res.partner", "write", self.rep_customer.ids,
                           {"name": "Renamed"})
        self.accountant.group_ids += self.env.ref("base.group_partner_manager")
        self.rpc(self.accountant, "res.partner.category", "create",
                 {"name": "Friends", "csp_no_dunning": True})
        self.rpc(self.accountant, "res.partner", "write", self.rep_customer.ids,
                 {"category_id": [Command.link(tag.id)]})

    def test_cash_is_taken_by_accounting_or_the_warehouse_on_pickups_only(self):
        self.assertRefused(self.rep, "sale.order", "action_csp_register_cash_payment",
                           self.rep_order.ids)
        with self.assertRaises(UserError) as caught:
            self.rpc(self.warehouse_user, "sale.order", "action_csp_register_cash_payment",
                     self.rep_order.ids)
        self.assertIn("not collected by the customer", str(caught.exception))
        self.assertFalse(self.rep_order.invoice_ids)
        self.rep_order.csp_pickup = True
        self.assertRefused(self.rep, "sale.order", "action_csp_register_cash_payment",
                           self.rep_order.ids)
        self.assertFalse(self.rep_order.invoice_ids)

    def test_child_records_stay_in_their_company(self):
        other = self.env["res.company"].create({"name": "Pompex Export"})
        complaint = self.env["csp.complaint"].with_company(other).create({
            "partner_id": self.customer.id, "company_id": other.id,
            "type_id": self.env.ref("customer_service_process.complaint_type_quality").id,
            "description": "Leaks",
            "line_ids": [Command.create({"product_id": self.spare_part.id, "quantity": 1})],
        })
        self.head_office.company_ids = self.company
        self.manager.company_ids = self.company
        for user in (self.head_office, self.manager):
            self.assertFalse(self.rpc(user, "csp.complaint.line", "search",
                                      [("id", "in", complaint.line_ids.ids)]))
            self.assertRefused(user, "csp.complaint.line", "read", complaint.line_ids.ids,
                               ["quantity"])
