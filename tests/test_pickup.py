import base64
from datetime import datetime

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DeliveryCase, run_queued_crons


@tagged("post_install", "-at_install")
class TestPickUp(DeliveryCase):
    """Pick-up and pay at the warehouse (source document 003, 5.2.3.6-5.2.4.2)."""

    def test_collect_and_pay_at_the_warehouse(self):
        self.env["account.journal"].search(
            [("type", "=", "cash"), ("company_id", "=", self.company.id)], limit=1) or \
            self.env["account.journal"].create({"name": "Cash", "type": "cash", "code": "CSH1",
                                                "company_id": self.company.id})
        self._stock(self.spare_part, 10)
        with self.at("2026-03-02 09:00:00"):
            order = self._quotation(self.head_office, self.customer, self.spare_part, 2,
                                    csp_pickup=True, csp_pickup_date=datetime(2026, 3, 4).date())
            order.with_user(self.head_office).action_confirm()
        ready = self.env["mail.message"].search([
            ("model", "=", "sale.order"), ("res_id", "=", order.id),
            ("subject", "ilike", "ready for collection")])
        self.assertEqual(len(ready), 1)
        picking = order.picking_ids
        activity = picking.activity_ids
        self.assertEqual(activity.date_deadline.isoformat(), "2026-03-04")
        self.assertIn(self.customer.name, activity.summary)
        # The cron does not tell him twice.
        run_queued_crons(self.env)
        self.assertEqual(len(self.env["mail.message"].search([
            ("model", "=", "sale.order"), ("res_id", "=", order.id),
            ("subject", "ilike", "ready for collection")])), 1)
        with self.at("2026-03-04 11:00:00"):
            order.with_user(self.accountant).action_csp_register_cash_payment()
            picking = picking.with_user(self.head_office)
            picking.csp_shipment_proof = base64.b64encode(b"signed shipping note")
            picking.move_ids.quantity = 2
            picking.button_validate()
        invoice = order.invoice_ids
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(invoice.matched_payment_ids.journal_id.type, "cash")
        self.assertEqual(picking.csp_confirmation_channel, "pickup")
        self.assertEqual(order.csp_delivered_at, datetime(2026, 3, 4, 11, 0))
        self.assertIn(order.csp_stage_id.code, ("delivered", "paid", "closed"))
        self.assertFalse(self._dispatch_mails(picking), "no dispatch notice for a collection")
        with self.assertRaises(UserError):
            order.with_user(self.accountant).action_csp_register_cash_payment()
