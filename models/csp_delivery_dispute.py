from odoo import api, fields, models


class CspDeliveryDispute(models.Model):
    """A problem the customer reported with a delivery instead of confirming
    it: missing, damaged or wrong items, per line.  The after-sales work
    turns it into a complaint."""

    _name = "csp.delivery.dispute"
    _description = "Delivery Dispute"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

    name = fields.Char(compute="_compute_name", store=True)
    picking_id = fields.Many2one(
        "stock.picking", string="Delivery", required=True, ondelete="cascade", index=True)
    order_id = fields.Many2one(related="picking_id.sale_id", string="Order", store=True,
                               index=True)
    partner_id = fields.Many2one(related="picking_id.partner_id", string="Customer", store=True)
    salesperson_id = fields.Many2one(related="order_id.user_id", string="Salesperson",
                                     store=True)
    company_id = fields.Many2one(related="picking_id.company_id", store=True, index=True)
    reported_at = fields.Datetime(default=fields.Datetime.now, readonly=True)
    reported_by = fields.Char(readonly=True)
    remarks = fields.Text(readonly=True)
    photo = fields.Binary(readonly=True, attachment=True)
    line_ids = fields.One2many("csp.delivery.dispute.line", "dispute_id", string="Problems",
                               readonly=True)
    complaint_id = fields.Many2one("csp.complaint", readonly=True)

    @api.depends("picking_id.name")
    def _compute_name(self):
        for dispute in self:
            dispute.name = self.env._("Dispute on %(delivery)s", delivery=dispute.picking_id.name)

    def _csp_summary(self):
        self.ensure_one()
        problems = dict(self.env["csp.delivery.dispute.line"]._fields["problem"]
                        ._description_selection(self.env))
        return "; ".join(
            f"{line.product_id.display_name}: {problems[line.problem]} {line.quantity:g}"
            for line in self.line_ids)

    def _csp_notify(self):
        """Followed up today by whom the cards' step "Follow up a delivery the
        customer disputes" names (the salesperson); the complaints process
        takes over."""
        assignments = self.env["csp.process.step"]._csp_assign(
            "delivery_dispute", self.order_id, own=lambda order: order.user_id)
        for dispute in self:
            user, gap = assignments[dispute.order_id]
            dispute.order_id.activity_schedule(
                "customer_service_process.mail_activity_delivery_dispute",
                date_deadline=fields.Date.context_today(self),
                user_id=user.id,
                summary=self.env._("Delivery problem reported"),
                note=" ".join(filter(None, [dispute._csp_summary(), gap])),
            )
