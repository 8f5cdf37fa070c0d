from datetime import datetime
from itertools import pairwise

from odoo.tests import Form, tagged

from .common import CustomerProcessCase


@tagged("post_install", "-at_install")
class TestProcessStages(CustomerProcessCase):
    """The order's stage follows its documents, and every change is logged
    with the working hours spent on a calendar with a weekend and a holiday."""

    def _log(self, order):
        return order.csp_stage_log_ids.sorted(lambda e: (e.entered_at, e.id))

    def _stage(self, code):
        return self.env["csp.order.stage"].search([("code", "=", code)])

    def test_made_to_order_lifecycle_logs_each_transition_once(self):
        self._stock(self.component, 10)
        with self.at("2026-03-02 09:00:00"):  # Monday
            order = self._quotation(self.head_office, self.customer, self.pump, 3)
        self.assertEqual(order.csp_stage_id, self._stage("offer"))
        self.assertEqual(len(order.csp_stage_log_ids), 1)

        with self.at("2026-03-02 11:00:00"):
            order.with_user(self.head_office).action_confirm()
        self.assertEqual(order.csp_stage_id, self._stage("in_production"))
        offer, production = self._log(order)
        self.assertEqual(offer.stage_id, self._stage("offer"))
        self.assertEqual(offer.left_at, datetime(2026, 3, 2, 11, 0))
        self.assertAlmostEqual(offer.duration_hours, 2.0)
        self.assertEqual(offer.user_id, self.head_office)
        self.assertFalse(production.left_at)
        self.assertEqual(order.csp_accepted_at, datetime(2026, 3, 2, 11, 0))
        self.assertEqual(order.csp_answered_at, datetime(2026, 3, 2, 11, 0))
        self.assertEqual(self.customer.csp_customer_since.isoformat(), "2026-03-02")

        with self.at("2026-03-03 10:00:00"):  # Tuesday
            production_order = order.mrp_production_ids.with_user(self.head_office)
            production_order.action_assign()
            with Form(production_order) as mo:
                mo.qty_producing = 3
            production_order.button_mark_done()
        self.assertEqual(production_order.state, "done")
        self.assertEqual(order.csp_stage_id, self._stage("produced"))
        # Monday 11-16 (5 h) + Tuesday 8-10 (2 h)
        self.assertAlmostEqual(self._log(order)[1].duration_hours, 7.0)

        with self.at("2026-03-06 15:00:00"):  # Friday, after Thursday's holiday
            invoice = order.with_user(self.accountant).sudo()._create_invoices()
            invoice.with_user(self.accountant).action_post()
        self.assertEqual(order.csp_stage_id, self._stage("invoiced"))
        # Tuesday 10-16 (6) + Wednesday (8) + Thursday holiday (0) + Friday 8-15 (7)
        self.assertAlmostEqual(self._log(order)[2].duration_hours, 21.0)

        with self.at("2026-03-09 09:00:00"):  # Monday, after the weekend
            picking = order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
            picking = picking.with_user(self.head_office)
            picking.action_assign()
            picking.move_ids.quantity = 3
            picking.move_ids.picked = True
            picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(order.csp_stage_id, self._stage("shipped"))
        # Friday 15-16 (1) + weekend (0) + Monday 8-9 (1)
        self.assertAlmostEqual(self._log(order)[3].duration_hours, 2.0)
        self.assertEqual(order.csp_sla_kind, "fulfilment", "running until the customer confirms")

        with self.at("2026-03-09 10:00:00"):  # the customer confirms receipt
            picking._csp_confirm("Buyer", "office")
        self.assertEqual(order.csp_stage_id, self._stage("delivered"))
        self.assertEqual(order.csp_delivered_at, datetime(2026, 3, 9, 10, 0))
        self.assertEqual(order.csp_sla_kind, "payment")

        with self.at("2026-03-09 12:00:00"):
            self.env["account.payment.register"].with_user(self.accountant).with_context(
                active_model="account.move", active_ids=invoice.ids,
            ).create({})._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(order.csp_stage_id, self._stage("closed"))
        self.assertEqual(order.csp_paid_at, datetime(2026, 3, 9, 12, 0))
        self.assertFalse(order.csp_sla_kind)

        log = self._log(order)
        self.assertEqual(
            log.stage_id.mapped("code"),
            ["offer", "in_production", "produced", "invoiced", "shipped", "delivered", "closed"])
        self.assertEqual(len(log.filtered(lambda e: not e.left_at)), 1)
        # Each entry starts where the previous one ended.
        for previous, entry in pairwise(log):
            self.assertEqual(previous.left_at, entry.entered_at)
            self.assertEqual(entry.previous_stage_id, previous.stage_id)

    def test_stock_order_skips_production(self):
        with self.at("2026-03-02 09:00:00"):
            order = self._quotation(self.head_office, self.customer, self.spare_part, 2)
        with self.at("2026-03-02 09:30:00"):
            order.with_user(self.head_office).action_confirm()
        self.assertEqual(order.csp_stage_id, self._stage("accepted"))
        self.assertAlmostEqual(self._log(order)[0].duration_hours, 0.5)

    def test_cancelled_order_leaves_the_process(self):
        order = self._quotation(self.head_office, self.customer, self.spare_part, 1)
        order.with_user(self.head_office)._action_cancel()
        self.end_request()
        self.assertEqual(order.csp_stage_id, self._stage("cancelled"))
        self.assertFalse(order.csp_sla_kind)
        self.assertEqual(len(order.csp_stage_log_ids), 2)

    def test_the_stage_compute_only_computes(self):
        """Computing a new stage writes nothing but the stage: the log and
        the milestones follow when the transaction is about to commit."""
        order = self._quotation(self.head_office, self.customer, self.spare_part, 1)
        self.end_request()
        order.with_user(self.head_office).action_confirm()
        # Computed and stored in the head office's request, as any of his
        # reads or searches would.
        self.env(user=self.head_office).flush_all()
        self.assertEqual(order.csp_stage_id, self._stage("accepted"))
        self.assertEqual(len(order.csp_stage_log_ids), 1)
        self.assertFalse(order.csp_accepted_at)
        self.end_request()
        order.invalidate_recordset()
        self.assertEqual(order.csp_stage_log_ids.mapped("stage_id.code"),
                         ["accepted", "offer"])
        self.assertEqual(order.csp_stage_log_ids[0].user_id, self.head_office)
        self.assertTrue(order.csp_accepted_at)

    def test_saving_without_change_logs_nothing(self):
        order = self._quotation(self.head_office, self.customer, self.spare_part, 1)
        order.with_user(self.head_office).write({"note": "Call before delivery"})
        order.with_user(self.head_office).action_quotation_sent()
        self.end_request()
        self.assertEqual(len(order.csp_stage_log_ids), 1)

    def test_channel_defaults_by_who_takes_the_order(self):
        by_rep = self._quotation(self.rep, self.rep_customer, self.spare_part, 1)
        self.assertEqual(by_rep.csp_channel, "visit")
        self.assertEqual(by_rep.csp_service, "field")
        by_office = self._quotation(self.head_office, self.customer, self.spare_part, 1,
                                    csp_channel="email")
        self.assertEqual(by_office.csp_channel, "email")
        self.assertEqual(by_office.csp_service, "head_office")

    def test_customer_created_by_rep_is_his_and_records_source(self):
        source = self.env["utm.source"].create({"name": "Trade fair"})
        with Form(self.env["res.partner"].with_user(self.rep)) as partner:
            partner.name = "New Pump Buyer"
            partner.company_type = "company"
            partner.csp_source_id = source
        customer = partner.record
        self.assertEqual(customer.user_id, self.rep)
        self.assertEqual(customer.csp_source_id, source)
        self.assertFalse(customer.csp_customer_since)


@tagged("post_install", "-at_install")
class TestStageTrackingQueries(CustomerProcessCase):

    def _tracking_queries(self, count):
        """Queries spent by stage tracking when `count` confirmed orders move
        from Offer to Accepted: their stage and open log entries are put back
        to Offer in the database, then the stage is recomputed and flushed."""
        orders = self.env["sale.order"].create([{
            "partner_id": self.customer.id, "user_id": self.head_office.id,
            "order_line": [(0, 0, {"product_id": self.spare_part.id, "product_uom_qty": 1})],
        } for _i in range(count)])
        orders.action_confirm()
        self.end_request()
        offer = self.env.ref("customer_service_process.stage_offer")
        self.env.cr.execute(
            "UPDATE sale_order SET csp_stage_id = %s, csp_answered_at = NULL,"
            " csp_accepted_at = NULL WHERE id IN %s", (offer.id, tuple(orders.ids)))
        self.env.cr.execute(
            "UPDATE csp_order_stage_log SET stage_id = %s WHERE order_id IN %s AND is_open",
            (offer.id, tuple(orders.ids)))
        orders = orders.with_user(self.head_office)

        def recompute():
            self.env.add_to_compute(orders._fields["csp_stage_id"], orders)
            self.end_request()

        _none, spent = self._queries(recompute)
        self.assertGreater(spent, 0, "the stage was recomputed inside the measure")
        self.assertEqual(set(orders.mapped("csp_stage_id.code")), {"accepted"})
        self.assertTrue(all(orders.mapped("csp_accepted_at")))
        self.assertEqual(len(orders.csp_stage_log_ids.filtered("is_open")), count)
        return spent

    def test_stage_tracking_queries_do_not_grow_with_orders(self):
        few, many = self._tracking_queries(3), self._tracking_queries(12)
        self.assertEqual(few, many)
