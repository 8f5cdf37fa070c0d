"""Installing the addon on a database that already has orders: their
history is estimated from what Odoo recorded, not dated the install."""

from datetime import datetime, timedelta

from odoo.tests import tagged

from .common import DeliveryCase


@tagged("post_install", "-at_install")
class TestInstallHistory(DeliveryCase):

    def test_orders_before_the_addon_get_their_estimated_history(self):
        quotation = self._quotation(self.head_office, self.rep_customer, self.spare_part, 1)
        order = self._order(2)
        self._ship(order)
        self.end_request()
        created = datetime(2026, 3, 2, 9, 0)
        confirmed = datetime(2026, 3, 4, 10, 0)
        # As Odoo left them before the addon: made and confirmed in March.
        self.env.cr.execute("UPDATE sale_order SET create_date = %s WHERE id IN %s",
                            (created, (quotation.id, order.id)))
        self.env.cr.execute("UPDATE sale_order SET date_order = %s WHERE id = %s",
                            (confirmed, order.id))
        self.env.invalidate_all()
        installed = datetime.now() - timedelta(minutes=1)
        self.env["sale.order"]._csp_estimate_history(installed)
        self.env.invalidate_all()
        self.assertEqual(quotation.csp_received_at, created)
        self.assertFalse(quotation.csp_answered_at)
        # The feasibility answer is due 8 working hours after March 2, not
        # after the install: long past, and no breach activity for it.
        self.assertLess(quotation.csp_sla_deadline, datetime(2026, 3, 10))
        self.assertEqual(quotation.csp_sla_alerted_kind, quotation.csp_sla_kind)
        self.assertEqual(order.csp_received_at, created)
        self.assertEqual(order.csp_accepted_at, confirmed)
        open_entry = order.csp_stage_log_ids.filtered(lambda e: not e.left_at)
        self.assertEqual(open_entry.entered_at, confirmed)
        # An order made since the install keeps what the process recorded.
        recent = self._quotation(self.head_office, self.rep_customer, self.spare_part, 1)
        self.end_request()
        received = recent.csp_received_at
        self.env["sale.order"]._csp_estimate_history(installed)
        self.env.invalidate_all()
        self.assertEqual(recent.csp_received_at, received)
