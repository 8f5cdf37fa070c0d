from odoo import api, fields, models

from .csp_cost_guard import COST_VIEWER


class MrpProduction(models.Model):
    _name = "mrp.production"
    _inherit = ["mrp.production", "csp.process.owned", "csp.batch"]
    _csp_process_fields = frozenset({"csp_sale_order_id", "csp_late_alerted"})
    # Late-production activities: done by cron workers in committed batches.
    _csp_batch_jobs = {"late_production": "customer_service_process.ir_cron_late_productions"}
    _csp_batch_sizes = {"late_production": 200}

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

    # Late-production activities are scheduled by cron workers in committed
    # batches (the job "late_production" of csp.batch): a late manufacturing
    # order of a customer order is due until it has its activity, which
    # `csp_late_alerted` records in the same transaction.

    @api.model
    def _cron_csp_late_productions(self):
        """The job, for a database whose cron (noupdate) still calls this
        method."""
        return self._csp_batch_run("late_production")

    @api.model
    def _csp_batch_domain(self, job):
        if job == "late_production":
            return [("csp_late", "=", True), ("csp_late_alerted", "=", False)]
        return super()._csp_batch_domain(job)

    def _csp_batch_process(self, job):
        if job != "late_production":
            return super()._csp_batch_process(job)
        productions = self.sudo()
        late_type = self.env.ref("customer_service_process.mail_activity_production_late")
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        # The cards' step "Follow up manufacturing late", about the order.
        orders = productions.csp_sale_order_id
        assignments = self.env["csp.process.step"]._csp_assign(
            "late_production", orders, own=lambda order: order.user_id)
        fallback = self.env["csp.process.step"]._csp_assign_default
        values = []
        for production in productions:
            order = production.csp_sale_order_id
            user, gap = assignments[order] if order else (
                fallback("late_production", production.company_id), "")
            values.append({
                "activity_type_id": late_type.id, "res_model_id": model_id,
                "res_id": production.id, "automated": True, "date_deadline": today,
                "user_id": user.id,
                "summary": self.env._("Late for %(order)s", order=order.name),
                "note": " ".join(filter(None, [self.env._(
                    "Planned to finish %(finish)s; promised to the customer for %(promised)s.",
                    finish=production.date_finished,
                    promised=production.csp_promised_date or "-"), gap])),
            })
        self._csp_batch_create_activities(values)
        productions.write({"csp_late_alerted": True})
        return self

    def _csp_batch_failed(self, job, error):
        if job != "late_production":
            return super()._csp_batch_failed(job, error)
        # Flagged in the chatter instead, once.
        self._csp_batch_log_failure({"csp_late_alerted": True}, self.env._(
            "The late-production activity could not be scheduled: %(error)s", error=str(error)))
        return None
