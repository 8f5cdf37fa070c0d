"""The quotation made from an inquiry continues its process: it keeps the
inquiry's *Received* (the answer target runs from the inquiry) and channel,
its answer answers the inquiry, and its process log starts with the
inquiry (*Inquiry → Offer → …*).  A quotation that goes nowhere is marked
lost with Odoo's lost reasons (wizards/csp_order_lost.py)."""

from odoo import fields, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    csp_lost_reason_id = fields.Many2one(
        "crm.lost.reason", string="Lost Reason", copy=False, readonly=True,
        help="Why the customer did not take the quotation (Mark as Lost).")

    def _csp_check_quotations(self):
        """Only a quotation is lost: a confirmed order is cancelled."""
        if self.filtered(lambda order: order.state not in ("draft", "sent")):
            raise UserError(self.env._(
                "Only quotations are lost; cancel a confirmed order instead."))

    def action_csp_mark_lost(self):
        """The Mark as Lost dialog for these quotations, for who may change
        them."""
        self.check_access("write")
        self._csp_check_quotations()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_service_process.action_csp_order_lost")
        action["context"] = {"default_order_ids": self.ids}
        return action

    def _csp_take_inquiry_time(self):
        """Called at creation: a quotation made from an inquiry was received
        when the inquiry was."""
        for order in self.filtered("opportunity_id"):
            received = order.opportunity_id.csp_received_at
            if received and (not order.csp_received_at or received < order.csp_received_at):
                order.sudo().csp_received_at = received

    def _csp_inquiry_log_entries(self, moves):
        """The process log's first entry of quotations made from an inquiry:
        the inquiry, from its arrival to the quotation.  `moves` are the
        (order id, stage id, user id, when) of the orders' first entries;
        answers {order id: the inquiry's entry}."""
        stage = self.env.ref("customer_service_process.stage_inquiry", raise_if_not_found=False)
        if not stage or not stage.active:
            return {}
        orders = self.browse([order_id for order_id, *_rest in moves]).filtered("opportunity_id")
        if not orders:
            return {}
        when_of = {order_id: when for order_id, _stage, _uid, when in moves}
        Log = self.env["csp.order.stage.log"].sudo()
        entries = Log.create([{
            "order_id": order.id,
            "stage_id": stage.id,
            "user_id": order.opportunity_id.create_uid.id,
            "entered_at": min(order.opportunity_id.csp_received_at or when_of[order.id],
                              when_of[order.id]),
        } for order in orders])
        for entry in entries:
            entry._csp_close(when_of[entry.order_id.id])
        return {entry.order_id.id: entry for entry in entries}
