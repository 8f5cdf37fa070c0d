"""What a field rep sees on his phone, read as his web client reads it:
his home (My Work), his figures, the SLA time left, a new complaint, the
feasibility dialog's texts."""

from odoo.tests import new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import format_amount

from .common import DeliveryCase
from .outside import OutsideCase

WORK = ["csp_work_quotation_count", "csp_work_late_count", "csp_work_delivery_count",
        "csp_work_material_count", "csp_work_complaint_count", "csp_work_activity_count"]


@tagged("post_install", "-at_install")
class TestMyWork(OutsideCase, DeliveryCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._stock(cls.spare_part, 50)

    def _work(self, user, reader=None):
        """The My Work card of `user`, as `reader` (default: himself) opens it."""
        self.as_user(reader or user)
        action = self.action("customer_service_process.action_my_work")
        self.assertEqual(action["res_model"], "res.users")
        [card] = self.search_read("res.users", [("id", "=", user.id)], ["name", *WORK])
        return card

    def test_a_rep_starts_on_my_work(self):
        my_work = self.env.ref("customer_service_process.action_my_work")
        self.assertEqual(self.rep.action_id.id, my_work.id)
        # A user made a rep later gets it too; head office keeps Odoo's default.
        later = new_test_user(self.env, login="csp_later_rep", groups="base.group_user")
        self.assertFalse(later.action_id)
        later.write({"group_ids": [(4, self.env.ref(
            "customer_service_process.group_field_rep").id)]})
        self.assertEqual(later.action_id.id, my_work.id)
        self.assertFalse(self.head_office.action_id)
        # What the web client opens after login.
        self.as_user(self.rep)
        info = self.make_jsonrpc_request("/web/session/get_session_info", {})
        self.assertEqual(info["home_action_id"], my_work.id)

    def test_my_work_counts_his_records_and_opens_them(self):
        quotation = self._quotation(self.rep, self.rep_customer, self.spare_part, 1)
        shipped = self._ship(self._order(2))
        self.assertEqual(shipped.csp_delivery_state, "shipped")
        self.env["mail.activity"].create({
            "res_model_id": self.env["ir.model"]._get_id("sale.order"),
            "res_id": quotation.id, "user_id": self.rep.id, "summary": "Call back",
            "date_deadline": "2020-01-01"})
        card = self._work(self.rep)
        self.assertEqual(card["csp_work_quotation_count"], 1)
        self.assertEqual(card["csp_work_delivery_count"], 1)
        self.assertEqual(card["csp_work_activity_count"], 1)
        self.assertEqual(card["csp_work_complaint_count"], 0)
        # Each row opens what it counts: the deliveries to confirm.
        action = self.action("customer_service_process.action_my_deliveries")
        deliveries = self.call("stock.picking", "web_search_read",
                               [("picking_type_code", "=", "outgoing"),
                                ("sale_id.user_id", "=", self.rep.id),
                                ("csp_delivery_state", "in", ("shipped", "delivered"))],
                               specification={"name": {}, "sale_id": {"fields": {
                                   "display_name": {}}}})["records"]
        self.assertEqual([d["name"] for d in deliveries], [shipped.name])
        self.assertEqual(deliveries[0]["sale_id"]["display_name"], shipped.sale_id.name)
        kanban = self.call("stock.picking", "get_views",
                           [[action["views"][0][0], "kanban"]], context={})
        arch = kanban["views"]["kanban"]["arch"]
        self.assertIn('name="sale_id"', arch, "the card names the order")
        self.assertNotIn('name="state"', arch, "no warehouse Done beside Shipped")
        self.assertIn("No delivery is waiting", action["help"])

    def test_another_reps_work_is_counted_as_the_reader_sees_it(self):
        self._quotation(self.rep2, self.rep2_customer, self.spare_part, 1)
        self.assertEqual(self._work(self.rep2)["csp_work_quotation_count"], 1)
        # rep1 reads rep2's card: what rep2 has that rep1 may not see is not
        # counted (nothing leaks through the counts).
        self.assertEqual(self._work(self.rep2, reader=self.rep)["csp_work_quotation_count"], 0)
        self.assertEqual(self._work(self.rep2, reader=self.head_office)[
            "csp_work_quotation_count"], 1)
        # The portal reads no card.
        portal = new_test_user(self.env, login="csp_work_portal", groups="base.group_portal")
        self.as_user(portal)
        with self.assertRaises(JsonRpcException):
            self.search_read("res.users", [("id", "=", self.rep.id)], WORK)

    def test_counts_are_never_another_readers(self):
        """In one transaction (a server action, a report), what head office
        counted is not what rep1 then reads from the cache."""
        self._quotation(self.rep2, self.rep2_customer, self.spare_part, 1)
        self.assertEqual(self.rep2.with_user(self.head_office).csp_work_quotation_count, 1)
        self.assertEqual(self.rep2.with_user(self.rep).csp_work_quotation_count, 0)
        self.assertEqual(self.rep2.with_user(self.head_office).csp_fig_order_count, 0)

    def test_my_figures_shows_his_month(self):
        order = self._order(3)
        self.as_user(self.rep)
        action = self.action("customer_service_process.action_my_figures")
        self.assertEqual(action["res_model"], "res.users")
        [figures] = self.search_read("res.users", [("id", "=", self.rep.id)], [
            "csp_fig_sales", "csp_fig_order_count", "csp_fig_period", "csp_fig_currency_id"])
        self.assertEqual(figures["csp_fig_order_count"], 1)
        self.assertAlmostEqual(figures["csp_fig_sales"], order.amount_untaxed, places=2)
        self.assertTrue(figures["csp_fig_period"])
        menu = self.env.ref("customer_service_process.menu_my_figures")
        self.assertEqual(menu.action.id, self.env.ref(
            "customer_service_process.action_my_figures").id)

    def test_sla_time_left_reads_as_hours_or_days(self):
        calendar = self.company.resource_calendar_id
        texts = {hours: calendar.with_context(lang="en_US")._csp_duration_text(hours)
                 for hours in (8.0, 7.5, 112.0)}
        self.assertEqual(texts[8.0], "8 working hours left")
        self.assertEqual(texts[7.5], "7.5 working hours left")
        per_day = calendar.hours_per_day or 8.0
        self.assertEqual(texts[112.0], f"{112.0 / per_day:g} working days left")
        self.assertEqual(calendar._csp_duration_text(3.0, late=True), "3 working hours late")
        quotation = self._quotation(self.rep, self.rep_customer, self.spare_part, 1)
        self.as_user(self.rep)
        form = self.open(quotation)
        self.assertIn("csp_sla_time_text", form)
        self.assertNotIn(":", form["csp_sla_time_text"] or "", "not a clock time")

    def test_the_status_bar_shows_the_orders_own_path(self):
        Stage = self.env["csp.order.stage"]

        def path(order):
            self.as_user(self.head_office)
            form = self.open(order)
            return Stage.browse(form["csp_stage_path_ids"]).sorted("sequence").mapped("code")

        delivered = self._order(1)
        self._ship(delivered)
        delivered.picking_ids._csp_confirm("Customer", "portal")
        self.assertEqual(delivered.csp_stage_id.code, "delivered")
        codes = path(delivered)
        self.assertNotIn("invoiced", codes, "never invoiced: not drawn as passed")
        self.assertEqual(codes[-3:], ["delivered", "paid", "closed"])
        cancelled = self._quotation(self.rep, self.rep_customer, self.spare_part, 1)
        cancelled.with_user(self.head_office).action_cancel()
        codes = path(cancelled)
        self.assertEqual(codes[-1], "cancelled")
        self.assertNotIn("paid", codes, "nothing is drawn after Cancelled")

    def test_a_reps_new_complaint_is_a_visit_not_a_slash(self):
        self.as_user(self.rep)
        spec = self.view_spec("csp.complaint", "form")
        values = self.call("csp.complaint", "onchange", [], {}, [], spec)["value"]
        self.assertEqual(values["channel"], "visit")
        self.assertEqual(values["name"], "New")
        self.as_user(self.head_office)
        values = self.call("csp.complaint", "onchange", [], {}, [], spec)["value"]
        self.assertEqual(values["channel"], "phone")

    def test_feasibility_texts_in_the_users_formats(self):
        empty = self.env["sale.order"].with_user(self.rep).create(
            {"partner_id": self.rep_customer.id})
        self.as_user(self.rep)
        kind, message = self.refused(empty, "action_csp_check_feasibility")
        self.assertEqual(kind, "odoo.exceptions.UserError")
        self.assertIn("Add the products", message)
        quotation = self._quotation(self.rep, self.rep_customer, self.spare_part, 1)
        action = self.button(quotation, "action_csp_check_feasibility")
        results = self.search_read("csp.feasibility.result",
                                   [("check_id", "=", action["res_id"])],
                                   ["kind", "figures"])
        stock = next(r for r in results if r["kind"] == "stock")
        self.assertNotIn("1 Units", stock["figures"])
        self.assertIn("Ordered 1,", stock["figures"])
        check = self.env["csp.feasibility.check"].browse(action["res_id"])
        profitability = check.result_ids.filtered(
            lambda r: r.kind == "profitability" and r.order_line_id)
        self.assertIn(format_amount(self.env, quotation.order_line.price_unit,
                                    quotation.currency_id), profitability.cost_figures)

    def test_counting_for_many_people_costs_what_it_costs_for_one(self):
        """My Work and My Figures read one grouped query per count, whatever
        the number of people (the head of sales reads them all)."""
        for _index in range(2):
            self._quotation(self.rep, self.rep_customer, self.spare_part, 1)
            self._quotation(self.rep2, self.rep2_customer, self.spare_part, 1)
        fields_read = [*WORK, "csp_fig_sales", "csp_fig_order_count", "csp_fig_answer_rate"]
        users = self.env["res.users"].with_user(self.head_office)

        def read(people):
            return lambda: users.browse(people.ids).read(fields_read)

        # People of the same kind of work: mail.activity's grouped read checks
        # access once per document model, so people whose activities sit on
        # other models would add those models' checks, not a query each.
        everyone = self.rep | self.rep2 | self.env["res.users"].browse([
            new_test_user(self.env, login=f"csp_work_rep{n}",
                          groups="customer_service_process.group_field_rep").id
            for n in range(3)])
        self._queries(read(everyone))  # warm the rules' caches
        _result, one = self._queries(read(self.rep))
        result, many = self._queries(read(everyone))
        self.assertEqual(many, one)
        counts = {row["id"]: row["csp_work_quotation_count"] for row in result}
        self.assertEqual(counts[self.rep2.id], 2)
