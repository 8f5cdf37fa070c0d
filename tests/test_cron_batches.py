"""The process's bulk steps on cron workers (csp.batch): survey invitations
and reminders, delivery reminders and automatic confirmations, SLA breach
and late-production activities, pick-up notices.  Each job is done in
committed batches, a failing record is isolated and reported, a second run
does nothing twice, and the queries per record do not grow."""

from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.mrp_production import MrpProduction
from ..models.sale_order_sla import SaleOrder as SlaOrder
from ..models.sale_order_survey import SaleOrder as SurveyOrder
from ..models.stock_picking_followup import StockPicking
from .common import AfterSalesCase, run_queued_crons

BATCH_LOGGER = "odoo.addons.customer_service_process.models.csp_batch"


def size_param(job):
    return f"customer_service_process.batch_size.{job}"


class CronBatchCase(AfterSalesCase):

    def _confirmed_orders(self, count, moment="2026-03-02 09:00:00"):
        """`count` confirmed orders of the rep's customer, made in one go."""
        with self.at(moment):
            self._stock(self.spare_part, count)
            orders = self.env["sale.order"].create([{
                "partner_id": self.rep_customer.id, "user_id": self.rep.id,
                "order_line": [Command.create({
                    "product_id": self.spare_part.id, "product_uom_qty": 1})],
            } for _i in range(count)])
            orders.action_confirm()
        return orders

    def _delivered_orders(self, count, moment="2026-03-02 10:00:00"):
        orders = self._confirmed_orders(count)
        orders.write({"csp_delivered_at": moment})
        return orders

    def _shipped(self, count, moment="2026-03-02 10:00:00"):
        """`count` customer deliveries shipped at `moment`, validated together."""
        orders = self._confirmed_orders(count)
        with self.at(moment):
            pickings = orders.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
            pickings.action_assign()
            for move in pickings.move_ids:
                move.quantity = move.product_uom_qty
            pickings.button_validate()
        self.assertEqual(set(pickings.mapped("csp_delivery_state")), {"shipped"})
        return pickings

    def _late_quotations(self, count, moment="2026-03-06 16:00:00"):
        """`count` quotations received at `moment` (answer due 8 working hours later)."""
        with self.at(moment):
            return self.env["sale.order"].create([{
                "partner_id": self.rep_customer.id, "user_id": self.rep.id,
                "order_line": [Command.create({
                    "product_id": self.spare_part.id, "product_uom_qty": 1})],
            } for _i in range(count)])

    def _committed(self, count_done):
        """Run the queued crons; what each commit of theirs held: (records
        the batch processed, records done in the database at that commit)."""
        IrCron = self.registry["ir.cron"]
        commit_progress = IrCron._commit_progress
        committed = []

        def spy(cron, processed=0, **kwargs):
            cron.env.flush_all()
            committed.append((processed, count_done(cron.env.cr)))
            return commit_progress(cron, processed, **kwargs)

        with patch.object(IrCron, "_commit_progress", spy):
            run_queued_crons(self.env)
        return committed

    def _cron_queries(self, make, moment):
        """Queries of the queued crons' run over the records `make` makes."""
        records = make()
        with self.at(moment):
            _none, spent = self._queries(lambda: run_queued_crons(self.env))
        return records, spent

    def _invitations_of(self, orders):
        return self.env["mail.mail"].sudo().search([
            ("subject", "ilike", "how did we do with"),
            ("recipient_ids", "in", orders.partner_id.ids)]).filtered(
                lambda m: any(o.name in m.subject for o in orders))

    def _breach_activities(self, orders):
        breach = self.env.ref("customer_service_process.mail_activity_sla_breach")
        return self.env["mail.activity"].search([
            ("res_model", "=", "sale.order"), ("res_id", "in", orders.ids),
            ("activity_type_id", "=", breach.id)])


@tagged("post_install", "-at_install")
class TestSurveyBatches(CronBatchCase):

    def _invited_in_db(self, orders):
        def count(cr):
            cr.execute("SELECT count(*) FROM sale_order WHERE id IN %s "
                       "AND csp_survey_input_id IS NOT NULL", [tuple(orders.ids)])
            return cr.fetchone()[0]
        return count

    def test_invitations_go_out_in_committed_batches_once(self):
        self.env["ir.config_parameter"].set_param(size_param("survey_invite"), 2)
        orders = self._delivered_orders(5)
        with self.at("2026-03-02 11:00:00"):
            committed = self._committed(self._invited_in_db(orders))
        self.assertEqual([c for c in committed if c[0]], [(2, 2), (2, 4), (1, 5)],
                         "three batches, each committed with its invitations")
        self.assertEqual(len(self._invitations_of(orders)), 5)
        for order in orders:
            self.assertTrue(order.csp_survey_input_id)
            self.assertEqual(len(order.message_ids.filtered(
                lambda m: "Satisfaction survey sent" in (m.body or ""))), 1)
        # Again: nothing twice, neither queued nor forced.
        with self.at("2026-03-02 12:00:00"):
            run_queued_crons(self.env)
            self.env.ref("customer_service_process.ir_cron_satisfaction_surveys").sudo() \
                .method_direct_trigger()
        self.assertEqual(len(self._invitations_of(orders)), 5)
        self.assertEqual(len(orders.csp_survey_input_id), 5)

    def test_reminders_go_out_in_committed_batches_once(self):
        orders = self._delivered_orders(3)
        with self.at("2026-03-02 11:00:00"):
            run_queued_crons(self.env)
        self.env["ir.config_parameter"].set_param(size_param("survey_remind"), 2)

        def reminded(cr):
            cr.execute("SELECT count(*) FROM sale_order WHERE id IN %s "
                       "AND csp_survey_reminded_at IS NOT NULL", [tuple(orders.ids)])
            return cr.fetchone()[0]

        with self.at("2026-03-09 11:00:00"):
            committed = self._committed(reminded)
            run_queued_crons(self.env)
        self.assertEqual([c for c in committed if c[0]], [(2, 2), (1, 3)])
        reminders = self.env["mail.mail"].sudo().search([
            ("subject", "ilike", "one minute for")]).filtered(
                lambda m: any(o.name in m.subject for o in orders))
        self.assertEqual(len(reminders), 3)
        self.assertEqual(reminders.recipient_ids, self.rep_customer)

    def test_a_failing_order_does_not_stop_the_others(self):
        orders = self._delivered_orders(4)
        bad = orders[1]
        send = SurveyOrder._csp_send_survey

        def send_but_one(records):
            if bad in records:
                raise ValueError("No survey for this one")
            return send(records)

        with self.at("2026-03-02 11:00:00"), mute_logger(BATCH_LOGGER), \
                patch.object(SurveyOrder, "_csp_send_survey", send_but_one):
            run_queued_crons(self.env)
            run_queued_crons(self.env)
        self.assertEqual(len(self._invitations_of(orders - bad)), 3)
        self.assertFalse(bad.sudo().csp_survey_input_id)
        self.assertIn("No survey for this one", bad.sudo().csp_survey_error)
        self.assertEqual(len(bad.message_ids.filtered(
            lambda m: "No survey for this one" in (m.body or ""))), 1)
        # Not tried again once mended.
        with self.at("2026-03-02 12:00:00"):
            run_queued_crons(self.env)
        self.assertFalse(bad.sudo().csp_survey_input_id)

    def test_queries_per_invitation_do_not_grow(self):
        self._cron_queries(lambda: self._delivered_orders(3), "2026-03-02 11:00:00")  # warm-up
        _ten, ten = self._cron_queries(lambda: self._delivered_orders(10), "2026-03-02 12:00:00")
        _twenty, twenty = self._cron_queries(lambda: self._delivered_orders(20),
                                        "2026-03-02 13:00:00")
        _thirty, thirty = self._cron_queries(lambda: self._delivered_orders(30),
                                        "2026-03-02 14:00:00")
        self.assertEqual(len(self._invitations_of(_thirty)), 30)
        self.assertEqual(thirty - twenty, twenty - ten,
                         f"10: {ten}, 20: {twenty}, 30: {thirty} queries")


@tagged("post_install", "-at_install")
class TestDeliveryFollowUpBatches(CronBatchCase):

    def _reminders_of(self, pickings):
        return self.env["mail.mail"].sudo().search([
            ("subject", "ilike", "did you receive")]).filtered(
                lambda m: any(p.sale_id.name in m.subject for p in pickings))

    def test_reminders_go_out_in_committed_batches_once(self):
        self.env["ir.config_parameter"].set_param(size_param("delivery_remind"), 2)
        pickings = self._shipped(5)

        def reminded(cr):
            cr.execute("SELECT count(*) FROM stock_picking WHERE id IN %s "
                       "AND csp_reminded_at IS NOT NULL", [tuple(pickings.ids)])
            return cr.fetchone()[0]

        with self.at("2026-03-05 11:00:00"):
            committed = self._committed(reminded)
        self.assertEqual([c for c in committed if c[0]], [(2, 2), (2, 4), (1, 5)])
        self.assertEqual(len(self._reminders_of(pickings)), 5)
        with self.at("2026-03-06 11:00:00"):
            run_queued_crons(self.env)
            self.env.ref("customer_service_process.ir_cron_delivery_followup").sudo() \
                .method_direct_trigger()
        self.assertEqual(len(self._reminders_of(pickings)), 5)
        # Ten days after shipping: confirmed automatically, once each.
        self.env["ir.config_parameter"].set_param(size_param("delivery_autoconfirm"), 2)
        for _run in range(2):
            with self.at("2026-03-12 11:00:00"):
                run_queued_crons(self.env)
        self.assertEqual(set(pickings.mapped("csp_confirmation_channel")), {"auto"})
        for picking in pickings:
            self.assertEqual(len(picking.message_ids.filtered(
                lambda m: "Delivery confirmed" in (m.body or ""))), 1)
            self.assertEqual(len(picking.sale_id.message_ids.filtered(
                lambda m, p=picking: f"{p.name}: Delivery confirmed" in (m.body or ""))), 1)
        self.assertEqual(set(pickings.sale_id.mapped("csp_stage_id.code")), {"delivered"})

    def test_a_failing_delivery_does_not_stop_the_others(self):
        pickings = self._shipped(4)
        bad = pickings[2]
        remind = StockPicking._csp_remind_delivery

        def remind_but_one(records):
            if bad in records:
                raise ValueError("Mail server on strike")
            return remind(records)

        with self.at("2026-03-05 11:00:00"), mute_logger(BATCH_LOGGER), \
                patch.object(StockPicking, "_csp_remind_delivery", remind_but_one):
            run_queued_crons(self.env)
            run_queued_crons(self.env)
        self.assertEqual(len(self._reminders_of(pickings - bad)), 3)
        self.assertFalse(bad.csp_reminded_at)
        self.assertIn("Mail server on strike", bad.csp_followup_error)
        self.assertEqual(len(bad.message_ids.filtered(
            lambda m: "Mail server on strike" in (m.body or ""))), 1)
        self.assertEqual(len((pickings - bad).filtered("csp_reminded_at")), 3)

    def test_queries_per_reminder_do_not_grow(self):
        self._cron_queries(lambda: self._shipped(3, "2026-03-02 10:00:00"), "2026-03-05 11:00:00")
        _ten, ten = self._cron_queries(lambda: self._shipped(10, "2026-03-02 11:00:00"),
                                  "2026-03-05 12:00:00")
        _twenty, twenty = self._cron_queries(lambda: self._shipped(20, "2026-03-02 12:00:00"),
                                        "2026-03-05 13:00:00")
        thirty_pickings, thirty = self._cron_queries(
            lambda: self._shipped(30, "2026-03-02 13:00:00"), "2026-03-05 14:00:00")
        self.assertEqual(len(thirty_pickings.filtered("csp_reminded_at")), 30)
        self.assertEqual(thirty - twenty, twenty - ten,
                         f"10: {ten}, 20: {twenty}, 30: {thirty} queries")


@tagged("post_install", "-at_install")
class TestSlaBreachBatches(CronBatchCase):

    def test_breaches_are_flagged_in_committed_batches_once(self):
        self.env["ir.config_parameter"].set_param(size_param("sla_breach"), 2)
        orders = self._late_quotations(5)

        def alerted(cr):
            cr.execute("SELECT count(*) FROM sale_order WHERE id IN %s "
                       "AND csp_sla_alerted_kind IS NOT NULL", [tuple(orders.ids)])
            return cr.fetchone()[0]

        with self.at("2026-03-09 17:00:00"):
            committed = self._committed(alerted)
        self.assertEqual([c for c in committed if c[0]], [(2, 2), (2, 4), (1, 5)])
        activities = self._breach_activities(orders)
        self.assertEqual(len(activities), 5)
        self.assertEqual(activities.user_id, orders[0]._csp_sla_responsible())
        with self.at("2026-03-09 18:00:00"):
            run_queued_crons(self.env)
            self.env.ref("customer_service_process.ir_cron_sla_breaches").sudo() \
                .method_direct_trigger()
        self.assertEqual(len(self._breach_activities(orders)), 5)

    def test_a_failing_order_does_not_stop_the_others(self):
        orders = self._late_quotations(4)
        bad = orders[0]
        schedule = SlaOrder._csp_schedule_sla_breaches

        def schedule_but_one(records):
            if bad in records:
                raise ValueError("No activity for this one")
            return schedule(records)

        with self.at("2026-03-09 17:00:00"), mute_logger(BATCH_LOGGER), \
                patch.object(SlaOrder, "_csp_schedule_sla_breaches", schedule_but_one):
            run_queued_crons(self.env)
            run_queued_crons(self.env)
        self.assertEqual(len(self._breach_activities(orders - bad)), 3)
        self.assertFalse(self._breach_activities(bad))
        self.assertEqual(len(bad.message_ids.filtered(
            lambda m: "No activity for this one" in (m.body or ""))), 1)

    def test_queries_per_breach_do_not_grow(self):
        self._cron_queries(lambda: self._late_quotations(3, "2026-03-06 16:00:00"),
                      "2026-03-09 17:00:00")
        _ten, ten = self._cron_queries(lambda: self._late_quotations(10, "2026-03-06 16:10:00"),
                                  "2026-03-09 17:10:00")
        _twenty, twenty = self._cron_queries(
            lambda: self._late_quotations(20, "2026-03-06 16:20:00"), "2026-03-09 17:20:00")
        thirty_orders, thirty = self._cron_queries(
            lambda: self._late_quotations(30, "2026-03-06 16:30:00"), "2026-03-09 17:30:00")
        self.assertEqual(len(self._breach_activities(thirty_orders)), 30)
        self.assertEqual(thirty - twenty, twenty - ten,
                         f"10: {ten}, 20: {twenty}, 30: {thirty} queries")


@tagged("post_install", "-at_install")
class TestLateProductionBatches(CronBatchCase):

    def test_a_failing_production_does_not_stop_the_others(self):
        productions = self._late_production() | self._late_production()
        bad = productions[0]
        process = MrpProduction._csp_batch_process

        def process_but_one(records, job):
            if bad in records:
                raise ValueError("Planner on holiday")
            return process(records, job)

        with mute_logger(BATCH_LOGGER), \
                patch.object(MrpProduction, "_csp_batch_process", process_but_one):
            run_queued_crons(self.env)
            run_queued_crons(self.env)
        late = self.env.ref("customer_service_process.mail_activity_production_late")
        self.assertEqual(len(productions[1].activity_ids.filtered(
            lambda a: a.activity_type_id == late)), 1)
        self.assertFalse(bad.activity_ids.filtered(lambda a: a.activity_type_id == late))
        self.assertTrue(bad.csp_late_alerted)
        self.assertEqual(len(bad.message_ids.filtered(
            lambda m: "Planner on holiday" in (m.body or ""))), 1)
