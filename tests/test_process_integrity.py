"""What the process derives and what costs reveal, tried the way a client
reaches the server: Odoo's RPC dispatch (`call_kw`, which decides by each
method's decorator whether the first argument is ids) as the real user, and
the web client's own JSON-RPC calls through a logged-in session."""

from odoo.exceptions import UserError
from odoo.service.model import call_kw
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import format_amount, mute_logger

from .common import ApprovalCase

COST_FIELDS = {
    "sale.order": ["margin", "margin_percent"],
    "sale.order.line": ["purchase_price", "margin", "margin_percent"],
    "sale.report": ["margin"],
}
# A customer and a salesperson field to group each of them by.
PARTNER = {"sale.order": "partner_id", "sale.order.line": "order_partner_id",
           "sale.report": "partner_id"}
SALESPERSON = {"sale.order": "user_id", "sale.order.line": "salesman_id",
               "sale.report": "user_id"}


class RpcCase(ApprovalCase):

    def rpc(self, user, model, method, *args, **kwargs):
        """Call `model.method` as `user` through Odoo's RPC dispatch; what a
        refused call did is rolled back."""
        with self.env.cr.savepoint():
            return call_kw(self.env(user=user)[model], method, list(args), kwargs)

    def assertRefused(self, user, model, method, *args, **kwargs):
        with mute_logger("odoo.models", "odoo.addons.base.models.ir_rule",
                         "odoo.orm.models"), self.assertRaises(UserError):  # AccessError is one
            self.rpc(user, model, method, *args, **kwargs)


@tagged("post_install", "-at_install")
class TestProcessOwnedFields(RpcCase):
    """State the process derives is written by the process only."""

    def test_rep_cannot_approve_his_quotation_by_writing_the_state(self):
        self._stock(self.spare_part, 10)
        order = self._quotation(self.rep, self.rep_customer, self.spare_part, 1)
        self.assertRefused(self.rep, "sale.order", "write", order.ids,
                           {"csp_approval_state": "approved"})
        self.assertEqual(order.csp_approval_state, "none")
        # Even a value forced into the stored flag confirms nothing: the guard
        # reads the approved check itself.
        order.sudo().csp_approval_state = "approved"
        with self.assertRaises(UserError):
            self.rpc(self.rep, "sale.order", "action_confirm", order.ids)
        self.assertEqual(order.state, "draft")
        # The process still writes its own figures.
        check = self._check(order, self.rep)
        self.rpc(self.rep, "csp.feasibility.check", "action_submit", check.ids)
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.csp_answered_at)

    def test_kpi_and_milestones_are_not_writable(self):
        order = self._quotation(self.rep, self.rep_customer, self.spare_part, 1)
        for values in ({"csp_satisfaction_score": 5}, {"csp_nps_category": "promoter"},
                       {"csp_answer_hours": 0.5}, {"csp_fulfilment_days": 1},
                       {"csp_received_at": "2026-01-01 08:00:00"},
                       {"csp_stage_id": self.env.ref("customer_service_process.stage_offer").id}):
            for user in (self.rep, self.head_office, self.manager):
                self.assertRefused(user, "sale.order", "write", order.ids, values)
        self.assertFalse(order.csp_satisfaction_score)
        self.assertFalse(order.csp_answer_hours)
        # Nor through create, or a default in the context.
        self.assertRefused(self.rep, "sale.order", "create", {
            "partner_id": self.rep_customer.id, "csp_answer_on_time": True})
        self.assertRefused(self.rep, "sale.order", "create",
                           {"partner_id": self.rep_customer.id},
                           context={"default_csp_answered_at": "2026-01-01 08:00:00"})
        # The form says so: they are read-only for everyone.
        described = self.rpc(self.rep, "sale.order", "fields_get", ["csp_answer_hours"],
                             attributes=["readonly"])
        self.assertTrue(described["csp_answer_hours"]["readonly"])

    def test_rep_cannot_mark_a_delivery_confirmed_by_the_customer(self):
        picking = self.env["stock.picking"].create({
            "partner_id": self.rep_customer.id,
            "picking_type_id": self.warehouse.out_type_id.id,
        })
        for values in ({"csp_confirmed_at": "2026-03-02 10:00:00"},
                       {"csp_confirmation_channel": "portal"},
                       {"csp_confirmed_by": "The customer"}, {"csp_delivery_state": "confirmed"}):
            self.assertRefused(self.rep, "stock.picking", "write", picking.ids, values)
            self.assertRefused(self.head_office, "stock.picking", "write", picking.ids, values)
        self.assertFalse(picking.csp_confirmed_at)

    def test_complaint_resolution_is_measured(self):
        complaint = self.env["csp.complaint"].create({
            "partner_id": self.rep_customer.id,
            "type_id": self.env.ref("customer_service_process.complaint_type_quality").id,
            "description": "Leaks",
        })
        self.assertRefused(self.rep, "csp.complaint", "write", complaint.ids,
                           {"resolution_days": 0.1, "resolved_on_time": True})
        # Closing it measures them (the rep moves it through its stages).
        self.rpc(self.rep, "csp.complaint", "write", complaint.ids, {
            "stage_id": self.env.ref("customer_service_process.complaint_stage_closed").id})
        self.assertTrue(complaint.closed_at)
        self.assertTrue(complaint.resolved_on_time)


@tagged("post_install", "-at_install")
class TestFourEyes(RpcCase):

    def test_a_manager_does_not_decide_his_own_request(self):
        second = new_test_user(
            self.env, login="csp_test_manager2", name="Second Process Manager",
            groups="customer_service_process.group_process_manager")
        _order, check = self._pending(user=self.manager)
        self.assertEqual(check.requested_by_id, self.manager)
        # The head of sales asked: another process manager gets it.
        self.assertTrue(check.approver_id)
        self.assertNotEqual(check.approver_id, self.manager)
        self.assertRefused(self.manager, "csp.feasibility.check", "action_approve", check.ids)
        self.assertRefused(self.manager, "csp.feasibility.check", "action_open_decision",
                           check.ids)
        self.assertEqual(check.state, "pending")
        self.rpc(second, "csp.feasibility.check", "action_approve", check.ids)
        self.assertEqual(check.state, "approved")
        self.assertEqual(check.decided_by_id, second)

    def test_the_company_may_let_managers_approve_their_own(self):
        self.company.csp_feasibility_self_approval = True
        _order, check = self._pending(user=self.manager)
        self.rpc(self.manager, "csp.feasibility.check", "action_approve", check.ids)
        self.assertEqual(check.decided_by_id, self.manager)
        # A process manager cannot switch it on for himself.
        self.company.csp_feasibility_self_approval = False
        self.assertRefused(self.manager, "res.company", "write", self.company.ids,
                           {"csp_feasibility_self_approval": True})


@tagged("post_install", "-at_install")
class TestCostsOnEveryReadPath(RpcCase):
    """A rep reaches no cost or margin, whatever method he calls; head office
    reaches them all."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.supplier = cls.env["product.supplierinfo"].create({
            "partner_id": cls.env["res.partner"].create({"name": "Test Supplier"}).id,
            "product_tmpl_id": cls.spare_part.product_tmpl_id.id, "price": 12.5,
        })

    def _rep_order(self):
        return self._quotation(self.rep, self.rep_customer, self.spare_part, 2)

    def test_rep_writes_his_quotation_and_the_margin_is_computed(self):
        order = self._rep_order()
        order = order.sudo()
        line = order.order_line
        self.rpc(self.rep, "sale.order.line", "write", line.ids, {"product_uom_qty": 3})
        self.env.flush_all()
        self.assertEqual(line.purchase_price, 20.0)
        self.assertEqual(line.margin, 3 * 50.0 - 3 * 20.0)
        self.assertEqual(order.margin, line.margin)
        # Through the web client's own save, with the form's specification.
        self.rpc(self.rep, "sale.order", "web_save", order.ids, {
            "order_line": [(0, 0, {"product_id": self.spare_part.id, "product_uom_qty": 1})],
        }, specification={"order_line": {"fields": {"product_uom_qty": {}}}})
        self.env.flush_all()
        self.assertEqual(order.margin, 4 * 30.0)

    def test_rep_reads_no_margin_on_any_path(self):
        self._rep_order()
        for model, fnames in COST_FIELDS.items():
            for fname in fnames:
                self.assertRefused(self.rep, model, "search_read", [], [fname])
                self.assertRefused(self.rep, model, "web_search_read", [],
                                   {fname: {}})
                self.assertRefused(self.rep, model, "formatted_read_group", [], [],
                                   [f"{fname}:sum"])
                self.assertRefused(self.rep, model, "formatted_read_group", [], [fname],
                                   ["__count"])
                self.assertRefused(self.rep, model, "formatted_read_grouping_sets", [],
                                   [[PARTNER[model]], []], [f"{fname}:sum"])
                self.assertRefused(self.rep, model, "search_count", [(fname, ">", 0)])
                self.assertRefused(self.rep, model, "search", [], order=f"{fname} desc")
        # Through a relation: grouping by the order's margin, a domain on its lines'.
        self.assertRefused(self.rep, "sale.order.line", "formatted_read_group", [],
                           ["order_id.margin"], ["__count"])
        self.assertRefused(self.rep, "sale.order", "search_count",
                           [("order_line.margin", ">", 0)])
        self.assertRefused(self.rep, "sale.order", "read_progress_bar", [], "partner_id",
                           {"field": "margin", "colors": {"0.0": "info"}})
        self.rep.group_ids += self.env.ref("base.group_allow_export")
        order = self.env["sale.order"].search([("user_id", "=", self.rep.id)])
        self.assertRefused(self.rep, "sale.order", "export_data", order.ids,
                           ["name", "order_line/margin"])
        self.assertRefused(self.rep, "sale.order", "export_data", order.ids, ["margin"])
        # His client is not even told the fields exist.
        described = self.rpc(self.rep, "sale.order.line", "fields_get")
        self.assertFalse({"margin", "purchase_price", "margin_percent"} & set(described))

    def test_rep_reads_no_product_cost_or_vendor_price(self):
        for model, record, fname in (
                ("product.product", self.spare_part, "standard_price"),
                ("product.product", self.spare_part, "avg_cost"),
                ("product.product", self.spare_part, "total_value"),
                ("product.template", self.spare_part.product_tmpl_id, "standard_price"),
                ("product.supplierinfo", self.supplier, "price")):
            self.assertRefused(self.rep, model, "read", record.ids, [fname])
            self.assertRefused(self.rep, model, "search_read", [("id", "=", record.id)], [fname])
            self.assertRefused(self.rep, model, "search_count", [(fname, ">", 0)])
            self.rpc(self.head_office, model, "read", record.ids, [fname])

    def test_feasibility_cost_figures_stay_with_cost_viewers(self):
        # Head office runs the check on the rep's order: the rep reads the
        # results, not the prices against costs.
        order = self._rep_order()
        check = self._check(order, self.head_office)
        results = check.sudo().result_ids.filtered(lambda r: r.kind == "profitability")
        # Money in the currency's format, not a bare float.
        self.assertIn(f"unit cost {format_amount(self.env, 20.0, order.currency_id)}",
                      results[0].cost_figures)
        self.assertNotIn("cost", results.mapped("figures")[0] or "")
        read = self.rpc(self.rep, "csp.feasibility.result", "search_read",
                        [("check_id", "=", check.id)], [])
        self.assertTrue(read)
        self.assertFalse({"cost_figures", "unit_cost", "margin_percent"} & set(read[0]))
        self.assertRefused(self.rep, "csp.feasibility.result", "search_read",
                           [("check_id", "=", check.id)], ["cost_figures"])
        [values] = self.rpc(self.head_office, "csp.feasibility.result", "read",
                            results[:1].ids, ["cost_figures"])
        self.assertTrue(values["cost_figures"])

    def test_head_office_and_admin_group_by_margin(self):
        self._rep_order()
        admin = self.env.ref("base.user_admin")
        for user in (self.head_office, admin):
            for model in COST_FIELDS:
                groups = self.rpc(user, model, "formatted_read_group", [], [PARTNER[model]],
                                  ["margin:sum"])
                self.assertTrue(groups)
            self.rpc(user, "sale.order", "formatted_read_grouping_sets", [],
                     [["partner_id"], []], ["margin:sum"])
            self.rpc(user, "sale.order.line", "search_read", [], ["margin", "purchase_price"])


@tagged("post_install", "-at_install")
class TestGroupedReadsOverJsonRpc(HttpCase, RpcCase):
    """The web client's grouped reads over a real session: they used to die
    in call_kw with IndexError for every user."""

    def _call(self, login, model, method, args, kwargs=None):
        self.authenticate(login, login)
        return self.make_jsonrpc_request(f"/web/dataset/call_kw/{model}/{method}", {
            "model": model, "method": method, "args": args, "kwargs": kwargs or {}})

    def test_grouped_reads_work_and_keep_margins_from_reps(self):
        self._quotation(self.rep, self.rep_customer, self.spare_part, 2)
        for model in COST_FIELDS:
            user_field = SALESPERSON[model]
            groups = self._call(self.rep.login, model, "formatted_read_group",
                                [[], [user_field], ["__count"]])
            self.assertTrue(groups)
            self._call(self.rep.login, model, "web_read_group",
                       [[], [user_field], ["__count"]])
            self._call(self.head_office.login, model, "formatted_read_group",
                       [[], [user_field], ["margin:sum"]])
            with mute_logger("odoo.http"), self.assertRaises(JsonRpcException) as caught:
                self._call(self.rep.login, model, "formatted_read_group",
                           [[], [user_field], ["margin:sum"]])
            self.assertIn("AccessError", str(caught.exception))
        self._call(self.head_office.login, "sale.order", "formatted_read_grouping_sets",
                   [[], [["user_id"], ["partner_id"]], ["margin:sum"]])
