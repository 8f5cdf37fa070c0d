"""Record rules, money, dunning pauses and customer ownership, tried as the
real users: through Odoo's RPC dispatch (`call_kw`, which honours each
method's decorator) and through a logged-in JSON-RPC session of the web
client.  Each test names the hole it closes; each would pass a refused call
on the code before issue 13."""

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import call_kw
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import CustomerProcessCase

MUTED = ("odoo.models", "odoo.addons.base.models.ir_rule", "odoo.orm.models", "odoo.http")


class RulesCase(CustomerProcessCase):
    """Two reps' confirmed orders, with deliveries, manufacturing orders and
    work orders, and a warehouse user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse_user = new_test_user(
            cls.env, login="csp_rules_warehouse", name="Rules Warehouse",
            groups="stock.group_stock_user")
        workcenter = cls.env["mrp.workcenter"].create({"name": "Rules assembly"})
        cls.bom.operation_ids = [Command.create({
            "name": "Assemble", "workcenter_id": workcenter.id, "time_cycle_manual": 30})]
        cls._stock(cls.spare_part, 50)
        cls._stock(cls.component, 50)
        cls.rep_order = cls._confirmed_order(cls.rep, cls.rep_customer)
        cls.rep2_order = cls._confirmed_order(cls.rep2, cls.rep2_customer)

    @classmethod
    def _confirmed_order(cls, user, customer, **values):
        order = cls.env["sale.order"].create({
            "partner_id": customer.id, "user_id": user.id,
            "order_line": [Command.create({"product_id": cls.spare_part.id,
                                           "product_uom_qty": 2}),
                           Command.create({"product_id": cls.pump.id, "product_uom_qty": 1})],
            **values,
        })
        order.action_confirm()
        return order

    @staticmethod
    def _moves(order):
        return (order.picking_ids.move_ids | order.mrp_production_ids.move_raw_ids
                | order.mrp_production_ids.move_finished_ids)

    def rpc(self, user, model, method, *args, **kwargs):
        """`model.method(*args, **kwargs)` as `user` through the RPC dispatch;
        what a refused call did is rolled back."""
        with self.env.cr.savepoint():
            return call_kw(self.env(user=user)[model], method, list(args), kwargs)

    def assertRefused(self, user, model, method, *args, exception=AccessError, **kwargs):
        with mute_logger(*MUTED), self.assertRaises(exception) as caught:
            self.rpc(user, model, method, *args, **kwargs)
        return caught.exception


@tagged("post_install", "-at_install")
class TestRecordRules(RulesCase):
    """Every model a rep reaches is ruled; every child model stays in its company."""

    def test_rep_reaches_only_his_stock_moves_lines_and_work_orders(self):
        mine, theirs = self._moves(self.rep_order), self._moves(self.rep2_order)
        self.assertTrue(mine and theirs)
        rows = self.rpc(self.rep, "stock.move", "search_read",
                        [("id", "in", (mine | theirs).ids)], ["id"])
        self.assertEqual({row["id"] for row in rows}, set(mine.ids))
        self.assertRefused(self.rep, "stock.move", "read", theirs.ids, ["product_uom_qty"])
        self.assertRefused(self.rep, "stock.move", "write", theirs[:1].ids,
                           {"product_uom_qty": 99})
        # He still changes his own.
        self.rpc(self.rep, "stock.move", "write", mine.filtered("picking_id")[:1].ids,
                 {"description_picking": "Ring before delivery"})

        lines = self.env["stock.move.line"].search([("move_id", "in", (mine | theirs).ids)])
        their_lines = lines.filtered(lambda line: line.move_id in theirs)
        self.assertTrue(their_lines)
        self.assertFalse(self.rpc(self.rep, "stock.move.line", "search",
                                  [("id", "in", their_lines.ids)]))
        self.assertRefused(self.rep, "stock.move.line", "write", their_lines[:1].ids,
                           {"quantity": 0})
        self.assertRefused(self.rep, "stock.move.line", "unlink", their_lines[:1].ids)

        their_work = self.rep2_order.mrp_production_ids.workorder_ids
        my_work = self.rep_order.mrp_production_ids.workorder_ids
        self.assertTrue(their_work and my_work)
        self.assertEqual(self.rpc(self.rep, "mrp.workorder", "search",
                                  [("id", "in", (my_work | their_work).ids)]), my_work.ids)
        self.assertRefused(self.rep, "mrp.workorder", "read", their_work.ids, ["name"])
        # Nor through a grouped read.
        groups = self.rpc(self.rep, "stock.move", "formatted_read_group",
                          [("id", "in", theirs.ids)], ["product_id"], ["__count"])
        self.assertFalse(groups)
        # The rep's colleague at head office sees them all.
        self.assertEqual(len(self.rpc(self.head_office, "stock.move", "search",
                                      [("id", "in", (mine | theirs).ids)])),
                         len(mine | theirs))

    def test_rep_reaches_only_his_orders_stock_references(self):
        mine = self.rep_order.stock_reference_ids
        theirs = self.rep2_order.stock_reference_ids
        self.assertTrue(mine and theirs)
        self.assertEqual(set(self.rpc(self.rep, "stock.reference", "search",
                                      [("id", "in", (mine | theirs).ids)])), set(mine.ids))
        self.assertRefused(self.rep, "stock.reference", "write", theirs.ids,
                           {"move_ids": [Command.clear()]})

    def test_bank_accounts_and_payment_tokens_of_other_reps_customers(self):
        Bank = self.env["res.partner.bank"]
        theirs = Bank.create({"acc_number": "PL61109010140000071219812874",
                              "partner_id": self.rep2_customer.id})
        mine = Bank.create({"acc_number": "PL27114020040000300201355387",
                            "partner_id": self.rep_customer.id})
        company_bank = Bank.create({"acc_number": "PL83101010230000261395100000",
                                    "partner_id": self.company.partner_id.id})
        found = self.rpc(self.rep, "res.partner.bank", "search",
                         [("id", "in", (theirs | mine | company_bank).ids)])
        self.assertEqual(set(found), {mine.id, company_bank.id})
        self.assertRefused(self.rep, "res.partner.bank", "write", theirs.ids,
                           {"acc_number": "PL00000000000000000000000000"})
        # The company's account is for reading: a rep does not redirect payments.
        self.assertRefused(self.rep, "res.partner.bank", "write", company_bank.ids,
                           {"acc_number": "PL00000000000000000000000000"})
        self.rpc(self.rep, "res.partner.bank", "write", mine.ids, {"bank_name": "mBank"})

        Token = self.env["payment.token"]
        values = {"provider_id": self.env.ref("payment.payment_provider_adyen").id,
                  "payment_method_id": self.env.ref("payment.payment_method_card").id,
                  "payment_details": "4242", "provider_ref": "ref"}
        their_token = Token.create(dict(values, partner_id=self.rep2_customer.id))
        my_token = Token.create(dict(values, partner_id=self.rep_customer.id))
        found = self.rpc(self.rep, "payment.token", "search_read",
                         [("id", "in", (their_token | my_token).ids)], ["partner_id"])
        self.assertEqual([row["id"] for row in found], my_token.ids)

    def test_child_records_stay_in_their_company(self):
        other = self.env["res.company"].create({"name": "Rules Export Ltd"})
        complaint = self.env["csp.complaint"].with_company(other).create({
            "partner_id": self.customer.id, "company_id": other.id,
            "type_id": self.env.ref("customer_service_process.complaint_type_quality").id,
            "description": "Leaks",
            "line_ids": [Command.create({"product_id": self.spare_part.id, "quantity": 1})],
        })
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", other.id)], limit=1)
        picking = self.env["stock.picking"].with_company(other).create({
            "partner_id": self.customer.id, "picking_type_id": warehouse.out_type_id.id,
        })
        dispute = self.env["csp.delivery.dispute"].with_company(other).create({
            "picking_id": picking.id,
            "line_ids": [Command.create({"product_id": self.spare_part.id,
                                         "problem": "missing", "quantity": 1})],
        })
        material = self.env["csp.sales.material"].create({
            "name": "Rules price list", "company_id": other.id})
        send = self.env["csp.sales.material.send"].create({
            "material_id": material.id, "partner_id": self.customer.id})
        invoice = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": self.customer.id,
            "invoice_line_ids": [Command.create({"product_id": self.spare_part.id,
                                                 "price_unit": 10})],
        })
        run = self.env["csp.dunning.run"].create({"company_id": other.id})
        skip = self.env["csp.dunning.skip"].create({
            "run_id": run.id, "partner_id": self.customer.id, "move_id": invoice.id,
            "reason": "Disputed"})
        self.assertEqual(
            (complaint.line_ids.complaint_id.company_id | dispute.company_id | send.company_id
             | skip.company_id), other)
        children = [
            ("csp.complaint.line", complaint.line_ids, (self.head_office, self.manager)),
            ("csp.delivery.dispute.line", dispute.line_ids, (self.head_office,)),
            ("csp.sales.material.send", send, (self.head_office, self.manager)),
            ("csp.dunning.skip", skip, (self.accountant, self.manager)),
        ]
        for model, records, users in children:
            for user in users:
                with self.subTest(model=model, user=user.login):
                    self.assertNotIn(other, user.company_ids)
                    self.assertFalse(self.rpc(user, model, "search_read",
                                              [("id", "in", records.ids)], ["id"]))
                    self.assertRefused(user, model, "read", records.ids, ["display_name"])
        # A user of both companies sees them.
        self.manager.company_ids |= other
        for model, records in (("csp.complaint.line", complaint.line_ids),
                               ("csp.dunning.skip", skip)):
            self.assertEqual(
                call_kw(self.env(user=self.manager, context=dict(
                    self.env.context, allowed_company_ids=[self.company.id, other.id]))[model],
                    "search",
                    [[("id", "in", records.ids)]], {}), records.ids)

    def test_management_report_only_for_the_users_companies(self):
        other = self.env["res.company"].create({"name": "Rules Export Ltd"})
        for user in (self.rep, self.head_office):
            report = self.rpc(user, "csp.kpi.report", "create", {"company_id": other.id})
            self.assertRefused(user, "csp.kpi.report", "action_export_xlsx", [report])


@tagged("post_install", "-at_install")
class TestMoneyAndOwnership(RulesCase):
    """Cash, dunning pauses and customers are changed only by those who own them."""

    def test_cash_payments_by_accounting_or_warehouse_on_pickups_only(self):
        # A rep: never, pick-up or not.
        error = self.assertRefused(self.rep, "sale.order", "action_csp_register_cash_payment",
                                   self.rep_order.ids)
        self.assertIn("accounting or the warehouse", str(error))
        self.rep_order.csp_pickup = True
        self.assertRefused(self.rep, "sale.order", "action_csp_register_cash_payment",
                           self.rep_order.ids)
        self.assertFalse(self.rep_order.invoice_ids)
        # Accounting and the warehouse: not for a delivered order.
        error = self.assertRefused(self.accountant, "sale.order",
                                   "action_csp_register_cash_payment", self.rep2_order.ids,
                                   exception=UserError)
        self.assertIn("not collected by the customer", str(error))
        self.assertFalse(self.rep2_order.invoice_ids)
        # Nor for a quotation.
        quotation = self.env["sale.order"].create({
            "partner_id": self.customer.id, "user_id": self.head_office.id, "csp_pickup": True,
            "order_line": [Command.create({"product_id": self.spare_part.id})]})
        self.assertRefused(self.warehouse_user, "sale.order",
                           "action_csp_register_cash_payment", quotation.ids,
                           exception=UserError)
        # The warehouse takes the cash of a collected order.
        if not self.env["account.journal"].search(
                [("type", "=", "cash"), ("company_id", "=", self.company.id)], limit=1):
            self.env["account.journal"].create({"name": "Cash", "type": "cash", "code": "CSHR",
                                                "company_id": self.company.id})
        self.rpc(self.warehouse_user, "sale.order", "action_csp_register_cash_payment",
                 self.rep_order.ids)
        invoice = self.rep_order.invoice_ids
        self.assertEqual(invoice.state, "posted")
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        # Who paid what is his customer's business, not another rep's.
        partials = invoice.line_ids.matched_credit_ids
        self.assertTrue(partials)
        self.assertEqual(self.rpc(self.rep, "account.partial.reconcile", "search",
                                  [("id", "in", partials.ids)]), partials.ids)
        self.assertFalse(self.rpc(self.rep2, "account.partial.reconcile", "search",
                                  [("id", "in", partials.ids)]))

    def test_dunning_pauses_and_no_dunning_tags_are_the_accountants(self):
        tag = self.env["res.partner.category"].create({"name": "Rules key account",
                                                       "csp_no_dunning": True})
        for user in (self.rep, self.head_office):
            self.assertRefused(user, "res.partner", "write", self.rep_customer.ids,
                               {"csp_no_dunning_until": "2027-01-01"})
        self.assertRefused(self.rep, "res.partner.category", "create",
                           {"name": "Friends", "csp_no_dunning": True})
        # Nor by putting his customer on an existing tag, from either side,
        # or by deleting the tag.
        self.assertRefused(self.rep, "res.partner", "write", self.rep_customer.ids,
                           {"category_id": [Command.link(tag.id)]})
        self.assertRefused(self.rep, "res.partner.category", "write", tag.ids,
                           {"partner_ids": [Command.link(self.rep_customer.id)]})
        self.assertRefused(self.rep, "res.partner.category", "unlink", tag.ids)
        self.assertRefused(self.rep, "res.partner", "create",
                           {"name": "Tagged", "category_id": [Command.link(tag.id)]})
        self.assertFalse(self.rep_customer.csp_no_dunning_until)
        self.assertFalse(tag.partner_ids)
        self.assertTrue(tag.exists())
        # The form shows the pause read-only to him.
        described = self.rpc(self.rep, "res.partner", "fields_get", ["csp_no_dunning_until"],
                             attributes=["readonly"])
        self.assertTrue(described["csp_no_dunning_until"]["readonly"])
        # Plain tags are anybody's.
        plain = self.rpc(self.rep, "res.partner.category", "create", {"name": "Visited"})
        self.rpc(self.rep, "res.partner.category", "write", [plain],
                 {"partner_ids": [Command.link(self.rep_customer.id)]})
        # The accountant pauses.
        self.rpc(self.accountant, "res.partner", "write", self.rep_customer.ids,
                 {"csp_no_dunning_until": "2027-01-01"})
        self.assertEqual(str(self.rep_customer.csp_no_dunning_until), "2027-01-01")
        # The accountant decides the tags too, without the contacts right ...
        self.assertFalse(self.accountant.has_group("base.group_partner_manager"))
        paused = self.rpc(self.accountant, "res.partner.category", "create", {
            "name": "Rules paused", "csp_no_dunning": True,
            "partner_ids": [Command.link(self.rep_customer.id)]})
        self.assertIn(self.rep_customer,
                      self.env["res.partner.category"].browse(paused).partner_ids)
        # ... and the rep does not take his customer off it.
        self.assertRefused(self.rep, "res.partner", "write", self.rep_customer.ids,
                           {"category_id": [Command.unlink(paused)]})
        self.assertRefused(self.rep, "res.partner.category", "write", [paused],
                           {"partner_ids": [Command.unlink(self.rep_customer.id)]})

    def test_rep_quotes_only_his_own_customers(self):
        for partner in (self.rep2_customer, self.unassigned_customer, self.customer):
            with self.subTest(partner=partner.name):
                self.assertRefused(self.rep, "sale.order", "create",
                                   {"partner_id": partner.id}, exception=UserError)
        quotation = self.rpc(self.rep, "sale.order", "create",
                             {"partner_id": self.rep_customer.id})
        self.assertEqual(self.env["sale.order"].browse(quotation).user_id, self.rep)
        # Not through the other customer's addresses either: no reading of his
        # address through the check, no billing him on the rep's order.
        for field in ("partner_id", "partner_invoice_id", "partner_shipping_id"):
            with self.subTest(field=field):
                self.assertRefused(self.rep, "sale.order", "write", [quotation],
                                   {field: self.rep2_customer.id}, exception=ValidationError)
        self.assertRefused(self.rep, "sale.order", "write", [quotation],
                           {"user_id": self.rep2.id}, exception=ValidationError)
        self.rpc(self.rep, "sale.order", "write", [quotation],
                 {"partner_shipping_id": self.rep_contact.id})
        # What the check would show of the other customer stays hidden.
        self.assertRefused(self.rep, "res.partner", "read", self.rep2_customer.ids,
                           ["street", "csp_dunning_level_id"])
        self.assertFalse(self.rpc(self.rep, "res.partner", "search_read",
                                  [("id", "=", self.rep2_customer.id)], ["street"]))

    def test_unassigned_partners_are_head_offices(self):
        prospect = self.env["res.partner"].create({"name": "Rules Prospect", "is_company": True})
        self.assertEqual(prospect.customer_rank, 0)
        # An unassigned customer is not shown to reps at all ...
        self.assertFalse(self.rpc(self.rep, "res.partner", "search",
                                  [("id", "=", self.unassigned_customer.id)]))
        self.assertRefused(self.rep, "res.partner", "read", self.unassigned_customer.ids,
                           ["name"])
        # ... a company that is not a customer (yet) is read, never taken.
        self.assertTrue(self.rpc(self.rep, "res.partner", "search", [("id", "=", prospect.id)]))
        for partner in (prospect, self.unassigned_customer):
            with self.subTest(partner=partner.name):
                self.assertRefused(self.rep, "res.partner", "write", partner.ids,
                                   {"user_id": self.rep.id})
        self.assertRefused(self.rep, "res.partner", "write", prospect.ids, {"phone": "+48 2"})
        # Nor given away, nor taken back through a contact.
        self.assertRefused(self.rep, "res.partner", "write", self.rep_customer.ids,
                           {"user_id": False})
        self.assertRefused(self.rep, "res.partner", "create",
                           {"name": "Buyer", "parent_id": self.rep2_customer.id})
        self.assertFalse(prospect.user_id)
        self.assertFalse(self.unassigned_customer.user_id)
        self.assertEqual(self.rep_customer.user_id, self.rep)
        # A customer the rep creates is his, and he still sees it.
        new = self.rpc(self.rep, "res.partner", "create",
                       {"name": "Rules New Customer", "is_company": True, "customer_rank": 1})
        self.assertEqual(self.env["res.partner"].browse(new).user_id, self.rep)
        contact = self.rpc(self.rep, "res.partner", "create",
                           {"name": "Rules Buyer", "parent_id": new})
        self.assertEqual(set(self.rpc(self.rep, "res.partner", "search",
                                      [("id", "in", [new, contact])])), {new, contact})
        # Head office assigns.
        self.rpc(self.head_office, "res.partner", "write", prospect.ids,
                 {"user_id": self.rep.id})
        self.assertEqual(prospect.user_id, self.rep)


@tagged("post_install", "-at_install")
class TestRulesThroughTheWebClient(HttpCase, RulesCase):
    """The same holes through the web client's own JSON-RPC session."""

    def call(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(f"/web/dataset/call_kw/{model}/{method}", {
            "model": model, "method": method, "args": list(args), "kwargs": kwargs})

    def assertRpcRefused(self, model, method, *args, **kwargs):
        with mute_logger(*MUTED), self.assertRaises(JsonRpcException) as caught:
            self.call(model, method, *args, **kwargs)
        return caught.exception

    def test_rep_session(self):
        self.authenticate(self.rep.login, self.rep.login)
        theirs = self._moves(self.rep2_order)
        quantity = theirs[:1].product_uom_qty
        self.assertFalse(self.call("stock.move", "web_search_read",
                                   [("id", "in", theirs.ids)], {"product_uom_qty": {}})["records"])
        error = self.assertRpcRefused("stock.move", "write", theirs[:1].ids,
                                      {"product_uom_qty": 99})
        self.assertIn("AccessError", str(error))
        self.assertRpcRefused("mrp.workorder", "read",
                              self.rep2_order.mrp_production_ids.workorder_ids.ids, ["name"])
        self.assertRpcRefused("sale.order", "action_csp_register_cash_payment",
                              self.rep_order.ids)
        self.assertRpcRefused("res.partner", "write", self.rep_customer.ids,
                              {"csp_no_dunning_until": "2027-01-01"})
        self.assertRpcRefused("res.partner.category", "create",
                              {"name": "Friends", "csp_no_dunning": True})
        self.assertRpcRefused("sale.order", "create", {"partner_id": self.rep2_customer.id})
        self.assertRpcRefused("res.partner", "write", self.unassigned_customer.ids,
                              {"user_id": self.rep.id})
        self.assertFalse(self.rep_order.invoice_ids)
        self.assertFalse(self.rep_customer.csp_no_dunning_until)
        self.assertFalse(self.unassigned_customer.user_id)
        self.assertEqual(theirs[:1].product_uom_qty, quantity)
