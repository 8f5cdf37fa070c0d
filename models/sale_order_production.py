"""The order's manufacturing orders (subprocess c), and the customer told
once when the last of them is done."""

from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    csp_production_ids = fields.Many2many(
        "mrp.production", string="Manufacturing Orders", compute="_compute_csp_production_ids",
        help="The order's manufacturing orders, for everyone who follows the order.")
    csp_produced_notified = fields.Boolean(
        copy=False, readonly=True, help="The customer was told the order is produced.")

    @api.depends("stock_reference_ids.production_ids.state")
    def _compute_csp_production_ids(self):
        productions = self.sudo()._csp_productions()
        for order in self:
            order.csp_production_ids = productions[order.sudo()].sudo(False)

    def _csp_productions(self):
        """First-level manufacturing orders of each order, cancelled ones left out."""
        return {
            order: order.stock_reference_ids.production_ids.filtered(
                lambda mo: mo.state != "cancel" and not mo.production_group_id.parent_ids)
            for order in self
        }

    def _csp_stage_in_production(self):
        productions = self._csp_productions()
        made = self.filtered(lambda o: productions[o])
        return made, self - made

    def _csp_stage_produced(self):
        productions = self._csp_productions()
        made = self.filtered(lambda o: productions[o])
        done = made.filtered(lambda o: all(mo.state == "done" for mo in productions[o]))
        return done, self - made

    def _csp_notify_produced(self, stages):
        """Tell the customer, once, that his order is produced: when its last
        manufacturing order is done."""
        produced = stages.filtered(lambda s: s.code == "produced")
        if not produced:
            return
        candidates = self.filtered(
            lambda o: not o.csp_produced_notified and o.csp_stage_id.kind == "chain"
            and o.csp_stage_id.sequence >= produced.sequence)
        if not candidates:
            return
        productions = candidates._csp_productions()
        done = candidates.filtered(lambda o: productions[o] and all(
            mo.state == "done" for mo in productions[o]))
        for order in done.sudo():
            order.csp_produced_notified = True
            order._csp_post_template("mail_template_order_produced")
