"""The customer accepts his quotation online: checked first unless already
approved, and without the prepayment when he has no way to pay online."""

from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _validate_order(self):
        """The customer accepted the quotation online: an order whose
        feasibility is approved is confirmed; the others are received, and
        checked first (accepted at once or sent to a process manager)."""
        self._csp_flag_prepayment_offline()
        unchecked = self.filtered(lambda o: not o._csp_is_approved())
        for order in unchecked:
            order._csp_receive_online_order()
        return super(SaleOrder, self - unchecked)._validate_order()

    def _has_to_be_paid(self):
        """A prepayment the customer cannot make is not asked: with no payment
        provider for him, signing accepts the order and the salesperson asks
        for the prepayment by invoice (see `_csp_flag_prepayment_offline`)."""
        return super()._has_to_be_paid() and self._csp_can_pay_online()

    def _csp_can_pay_online(self):
        """Hook: whether the customer can pay this order online, i.e. a payment
        provider of the company accepts his currency and country."""
        self.ensure_one()
        return bool(self.env["payment.provider"].sudo()._get_compatible_providers(
            self.company_id.id, self.partner_id.id, self.amount_total,
            currency_id=self.currency_id.id, sale_order_id=self.id))

    def _csp_flag_prepayment_offline(self):
        """Orders accepted online without the prepayment the company asks for:
        the salesperson is told, with a to-do due today, what is missing."""
        for order in self.filtered(lambda o: o.require_payment and o.amount_total > 0
                                   and not o._csp_can_pay_online()):
            body = self.env._(
                "Accepted online without the prepayment: %(company)s has no online payment "
                "method for this customer (Invoicing settings, Payment Providers). Ask for "
                "the prepayment by invoice.", company=order.company_id.name)
            order.sudo().message_post(body=body, subtype_xmlid="mail.mt_note")
            if order.user_id:
                order.sudo().activity_schedule(
                    "mail.mail_activity_data_todo", user_id=order.user_id.id,
                    # Today where the salesperson is: the customer's
                    # request may come from another time zone.
                    date_deadline=fields.Date.context_today(
                        order.with_context(tz=order.user_id.tz or "UTC")),
                    summary=self.env._("Ask for the prepayment"), note=body)

    def _csp_receive_online_order(self):
        self.ensure_one()
        order = self.sudo()
        order.with_context(csp_keep_approval=True).write({
            "csp_received_at": fields.Datetime.now(), "csp_channel": "website"})
        order._csp_check_and_submit()
