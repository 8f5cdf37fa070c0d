"""Distribution (subprocess d): the order's customer deliveries, their
least advanced state, and the working days from acceptance to the
customer's confirmed delivery."""

from odoo import api, fields, models

from .stock_picking import DELIVERY_STATES


class SaleOrder(models.Model):
    _inherit = "sale.order"

    csp_distribution_state = fields.Selection(
        DELIVERY_STATES, string="Distribution", compute="_compute_csp_distribution_state",
        store=True, help="The least advanced of the order's deliveries; Disputed when the "
                         "customer reported a problem with one.")
    csp_delivery_ids = fields.One2many(
        "stock.picking", "sale_id", string="Customer Deliveries",
        domain=[("csp_is_customer_delivery", "=", True), ("state", "!=", "cancel")])

    csp_fulfilment_days = fields.Float(
        string="Fulfilment (working days)", readonly=True, copy=False, aggregator="avg",
        help="Working days from the order accepted to its delivery confirmed.")
    csp_fulfilment_on_time = fields.Boolean(
        string="Fulfilled on Time", readonly=True, copy=False,
        help="Delivered within the company's fulfilment target.")

    @api.depends("picking_ids.csp_delivery_state")
    def _compute_csp_distribution_state(self):
        order_of = [code for code, _label in DELIVERY_STATES]
        for order in self:
            states = [p.csp_delivery_state for p in order.picking_ids
                      if p.csp_delivery_state]
            if not states:
                order.csp_distribution_state = False
            elif "disputed" in states:
                order.csp_distribution_state = "disputed"
            else:
                order.csp_distribution_state = min(states, key=order_of.index)

    def _csp_deliveries(self):
        """{order: its customer deliveries, cancelled ones left out}: what
        csp_delivery_ids shows, from the pickings already read.  The one
        definition the stages, pick-up and complaints filter further."""
        return {
            order: order.picking_ids.filtered(
                lambda p: p.csp_is_customer_delivery and p.state != "cancel")
            for order in self
        }

    def _csp_record_fulfilment(self):
        """Working days from the order accepted to its delivery confirmed,
        against the company's fulfilment target."""
        orders = self.filtered(lambda o: o.csp_accepted_at and o.csp_delivered_at)
        spent = self.env["resource.calendar"]._csp_work_hours_of(
            [(o, o.csp_accepted_at, o.csp_delivered_at) for o in orders])
        target = self.env["csp.process.metric"]._csp_target_getter("fulfilment_time")
        for order in orders:
            days = spent[order][1]
            limit = target(order.company_id, order.csp_accepted_at.date())
            order.sudo().write({
                "csp_fulfilment_days": days,
                "csp_fulfilment_on_time": limit is None or days <= limit,
            })
