import logging

from odoo import api, fields, models

from .csp_cost_guard import COST_VIEWER

_logger = logging.getLogger(__name__)


class MrpProduction(models.Model):
    _name = "mrp.production"
    _inherit = ["mrp.production", "csp.process.owned"]
    _csp_process_fields = frozenset({"csp_sale_order_id", "csp_late_alerted"})

    # mrp_account's extra unit cost is a cost.
    extra_cost = fields.Float(groups=COST_VIEWER)

    csp_sale_order_id = fields.Many2one(
        "sale.order", string="Sales Order", compute="_compute_csp_sale_order_id", store=True,
        index="btree_not_null")
    csp_promised_date = fields.Datetime(
        string="Promised Delivery", related="csp_sale_order_id.commitment_date")
    csp_late = fields.Boolean(
        string="Late for the Customer", compute="_compute_csp_late",
        search="_search_csp_late",
        help="Planned to finish after the date promised to the customer, or not started "
             "when it should have been.")
    csp_late_alerted = fields.Boolean(copy=False, readonly=True)

    @api.depends("reference_ids.sale_ids", "sale_line_id.order_id")
    def _compute_csp_sale_order_id(self):
        for production in self:
            orders = production.sale_line_id.order_id | production.reference_ids.sale_ids
            production.csp_sale_order_id = orders[:1]

    def _compute_csp_late(self):
        now = fields.Datetime.now()
        for production in self:
            production.csp_late = production._csp_is_late(now)

    def _csp_is_late(self, now):
        self.ensure_one()
        if self.state in ("done", "cancel") or not self.csp_sale_order_id:
            return False
        promised = self.csp_promised_date
        if promised and self.date_finished and self.date_finished > promised:
            return True
        return self.state == "confirmed" and bool(self.date_start and self.date_start < now)

    def _search_csp_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        candidates = self.search([
            ("csp_sale_order_id", "!=", False), ("state", "not in", ("done", "cancel"))])
        now = fields.Datetime.now()
        late = candidates.filtered(lambda p: p._csp_is_late(now))
        wanted = (operator == "=") == value
        return [("id", "in" if wanted else "not in", late.ids)]

    @api.model
    def _cron_csp_late_productions(self):
        """One activity for planning per late manufacturing order of a customer
        order; one failing order does not stop the others."""
        now = fields.Datetime.now()
        candidates = self.search([
            ("csp_sale_order_id", "!=", False), ("state", "not in", ("done", "cancel")),
            ("csp_late_alerted", "=", False)])
        late = candidates.filtered(lambda p: p._csp_is_late(now))
        failed = self.browse()
        for production in late:
            try:
                with self.env.cr.savepoint():
                    order = production.csp_sale_order_id
                    user = (production.user_id or order.company_id.csp_head_of_sales_id
                            or order.user_id)
                    production.activity_schedule(
                        "customer_service_process.mail_activity_production_late",
                        date_deadline=fields.Date.context_today(self),
                        user_id=user.id,
                        summary=self.env._("Late for %(order)s", order=order.name),
                        note=self.env._(
                            "Planned to finish %(finish)s; promised to the customer for "
                            "%(promised)s.", finish=production.date_finished,
                            promised=production.csp_promised_date or "-"),
                    )
                    production.sudo().csp_late_alerted = True
            except Exception:
                _logger.exception("Late production activity for %s failed", production.name)
                failed |= production
        if failed:
            _logger.error("Late productions: %d failed: %s", len(failed),
                          ", ".join(failed.mapped("name")))
        return late - failed
