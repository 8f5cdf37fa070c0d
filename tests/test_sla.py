from datetime import datetime
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CustomerProcessCase, run_queued_crons


@tagged("post_install", "-at_install")
class TestSla(CustomerProcessCase):

    def _breach_activities(self, order):
        breach = self.env.ref("customer_service_process.mail_activity_sla_breach")
        return order.activity_ids.filtered(lambda a: a.activity_type_id == breach)

    def test_friday_afternoon_order_is_due_monday_afternoon(self):
        with self.at("2026-03-06 16:00:00"):  # Friday, end of the working day
            order = self._quotation(self.head_office, self.customer, self.spare_part)
        self.assertEqual(order.csp_sla_kind, "feasibility")
        self.assertEqual(order.csp_sla_deadline, datetime(2026, 3, 9, 16, 0))
        with self.at("2026-03-09 12:00:00"):
            order.invalidate_recordset(["csp_sla_hours_left", "csp_sla_late"])
            self.assertAlmostEqual(order.csp_sla_hours_left, 4.0)
            self.assertFalse(order.csp_sla_late)
        with self.at("2026-03-10 10:00:00"):  # Tuesday: Monday 16:00 + 2 working hours
            order.invalidate_recordset(["csp_sla_hours_left", "csp_sla_hours_late", "csp_sla_late"])
            self.assertTrue(order.csp_sla_late)
            self.assertAlmostEqual(order.csp_sla_hours_late, 2.0)
            late = self.env["sale.order"].with_user(self.head_office).search(
                [("csp_sla_late", "=", True), ("id", "=", order.id)])
            self.assertEqual(late, order)

    def test_deadline_skips_the_holiday(self):
        with self.at("2026-03-04 12:00:00"):  # Wednesday noon; Thursday is a holiday
            order = self._quotation(self.head_office, self.customer, self.spare_part)
        self.assertEqual(order.csp_sla_deadline, datetime(2026, 3, 6, 12, 0))

    def test_fulfilment_deadline_counts_working_days(self):
        with self.at("2026-03-02 09:00:00"):
            order = self._quotation(self.head_office, self.customer, self.spare_part)
        with self.at("2026-03-02 10:00:00"):  # Monday
            order.with_user(self.head_office).action_confirm()
        self.assertEqual(order.csp_sla_kind, "fulfilment")
        # 14 working days of 8 hours (112 h) from Monday 10:00 would end on the
        # third Friday at 10:00; Thursday's holiday moves it to the Monday.
        self.assertEqual(order.csp_sla_deadline, datetime(2026, 3, 23, 10, 0))

    def test_breach_schedules_one_activity_and_closes_it_when_order_moves_on(self):
        with self.at("2026-03-06 16:00:00"):
            head_office_order = self._quotation(self.head_office, self.customer, self.spare_part)
            rep_order = self._quotation(self.rep, self.rep_customer, self.spare_part)
        with self.at("2026-03-09 16:30:00"):
            run_queued_crons(self.env)
            run_queued_crons(self.env)
        for order, responsible in ((head_office_order, self.manager), (rep_order, self.rep)):
            activities = self._breach_activities(order)
            self.assertEqual(len(activities), 1, order.name)
            self.assertEqual(activities.user_id, responsible)
            self.assertEqual(activities.date_deadline.isoformat(), "2026-03-09")
        with self.at("2026-03-09 17:00:00"):
            head_office_order.with_user(self.head_office).action_confirm()
        self.assertFalse(self._breach_activities(head_office_order))
        self.assertEqual(head_office_order.csp_sla_kind, "fulfilment")
        self.assertFalse(head_office_order.csp_sla_alerted_kind)
        done = head_office_order.message_ids.filtered(
            lambda m: m.mail_activity_type_id == self.env.ref(
                "customer_service_process.mail_activity_sla_breach"))
        self.assertTrue(done, "the breach activity is marked done in the chatter")

    def test_cron_goes_on_when_one_order_fails(self):
        with self.at("2026-03-06 16:00:00"):
            first = self._quotation(self.head_office, self.customer, self.spare_part)
            second = self._quotation(self.head_office, self.customer, self.spare_part)
        original = type(first)._csp_sla_responsible

        def broken(order):
            if order == first:
                raise ValueError("broken responsible")
            return original(order)

        with self.at("2026-03-09 17:00:00"), \
                patch.object(type(first), "_csp_sla_responsible", broken), \
                mute_logger("odoo.addons.customer_service_process.models.csp_batch"):
            run_queued_crons(self.env)
        self.assertEqual(len(self._breach_activities(second)), 1)
        self.assertFalse(self._breach_activities(first))
        # Reported in its chatter, once, and not tried again.
        self.assertEqual(len(first.message_ids.filtered(
            lambda m: "broken responsible" in (m.body or ""))), 1)
