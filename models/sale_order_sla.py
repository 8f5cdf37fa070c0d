"""The service levels the order runs against (answer, fulfilment, payment):
the running one, its deadline in working time, and an activity when it is
missed, scheduled by cron workers in batches."""

from collections import defaultdict
from datetime import datetime, time

from odoo import api, fields, models
from odoo.fields import Domain

SLA_KINDS = [
    ("feasibility", "Feasibility answer"),
    ("fulfilment", "Fulfilment"),
    ("payment", "Payment"),
]


def _group_by(records, key):
    """{key(record): the records with that key}, as recordsets."""
    groups = defaultdict(list)
    for record in records:
        groups[key(record)].append(record.id)
    return {k: records.browse(ids) for k, ids in groups.items()}


class SaleOrder(models.Model):
    _inherit = "sale.order"

    csp_sla_kind = fields.Selection(
        SLA_KINDS, string="Running SLA", compute="_compute_csp_sla", store=True)
    csp_sla_deadline = fields.Datetime(
        string="SLA Deadline", compute="_compute_csp_sla", store=True, index="btree_not_null")
    csp_sla_hours_left = fields.Float(
        string="Working Hours Left", compute="_compute_csp_sla_hours_left",
        help="Working hours until the deadline of the running SLA; negative when late.")
    csp_sla_hours_late = fields.Float(
        string="Working Hours Late", compute="_compute_csp_sla_hours_left")
    csp_sla_time_text = fields.Char(
        string="Time Left", compute="_compute_csp_sla_hours_left",
        help="The working time left before the SLA deadline, or past it, in hours or days.")
    csp_sla_late = fields.Boolean(
        string="Late", compute="_compute_csp_sla_hours_left", search="_search_csp_sla_late")
    csp_sla_alerted_kind = fields.Selection(
        SLA_KINDS, copy=False, readonly=True,
        help="The SLA whose breach already has an activity, so that it gets only one.")

    @api.depends(
        "csp_received_at", "csp_answered_at", "csp_accepted_at", "csp_delivered_at",
        "csp_paid_at", "csp_stage_id", "company_id.resource_calendar_id",
        "order_line.invoice_lines.move_id.invoice_date_due",
    )
    def _compute_csp_sla(self):
        # The targets of the process card that applied when the clock
        # started: a target changed later changes the orders that start after.
        kinds = {}
        for order in self:
            kinds[order] = order._csp_running_sla()
        metrics = self.env["csp.process.metric"]
        answer_target = metrics._csp_target_getter("answer_time")
        fulfilment_target = metrics._csp_target_getter("fulfilment_time")
        # Plan all deadlines of one calendar and target in one computation.
        groups = defaultdict(list)
        for order, kind in kinds.items():
            company = order.company_id or self.env.company
            calendar = company.resource_calendar_id
            if kind == "feasibility" and order.csp_received_at:
                hours = answer_target(company, order.csp_received_at.date())
                if hours is not None:
                    groups[(calendar, hours)].append((order, order.csp_received_at))
            elif kind == "fulfilment" and order.csp_accepted_at:
                days = fulfilment_target(company, order.csp_accepted_at.date())
                if days is not None:
                    groups[(calendar, days * (calendar.hours_per_day or 8.0))].append(
                        (order, order.csp_accepted_at))
        deadlines = {}
        for (calendar, hours), pairs in groups.items():
            if not calendar:
                continue
            planned = calendar._csp_plan_hours_batch(hours, [start for _o, start in pairs])
            deadlines.update(zip([o for o, _s in pairs], planned, strict=True))
        for order, kind in kinds.items():
            order.csp_sla_kind = kind
            if kind == "payment":
                dues = order._csp_posted_invoices().mapped("invoice_date_due")
                order.csp_sla_deadline = datetime.combine(max(dues), time.max) if dues else False
            else:
                order.csp_sla_deadline = deadlines.get(order, False)

    def _csp_running_sla(self):
        """Which target the order is running against now, if any."""
        self.ensure_one()
        if not self.id or self.state == "cancel" or self.csp_stage_id.kind == "exit":
            return False
        if not self.csp_answered_at:
            return "feasibility"
        if self.csp_accepted_at and not self.csp_delivered_at:
            return "fulfilment"
        if self.csp_delivered_at and not self.csp_paid_at:
            return "payment" if self._csp_posted_invoices() else False
        return False

    @api.depends("csp_sla_deadline")
    def _compute_csp_sla_hours_left(self):
        now = fields.Datetime.now()
        by_calendar = defaultdict(list)
        for order in self:
            order.csp_sla_hours_left = 0.0
            order.csp_sla_hours_late = 0.0
            order.csp_sla_time_text = False
            order.csp_sla_late = bool(order.csp_sla_deadline and order.csp_sla_deadline < now)
            if order.csp_sla_deadline:
                by_calendar[order.company_id.resource_calendar_id].append(order)
        for calendar, orders in by_calendar.items():
            if not calendar:
                continue
            hours = calendar._csp_work_hours([(now, o.csp_sla_deadline) for o in orders])
            for order, left in zip(orders, hours, strict=True):
                order.csp_sla_hours_left = left
                order.csp_sla_hours_late = max(-left, 0.0)
                order.csp_sla_time_text = calendar._csp_duration_text(
                    abs(left), late=order.csp_sla_late or left < 0)

    def _search_csp_sla_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        late = (operator == "=" and value) or (operator == "!=" and not value)
        now = fields.Datetime.now()
        if late:
            return [("csp_sla_deadline", "<", now)]
        return ["|", ("csp_sla_deadline", "=", False), ("csp_sla_deadline", ">=", now)]

    # ------------------------------------------------------------ SLA cron

    def _csp_sla_responsible(self):
        """Who follows up the missed target: the process cards' step "Follow
        up an order past its target" (the salesperson; head-office orders
        to the head of sales by its rule)."""
        self.ensure_one()
        return self._csp_sla_assignments()[self].user

    def _csp_sla_assignments(self):
        """{order: Assignment} of the SLA breach activities, in one pass."""
        return self.env["csp.process.step"]._csp_assign(
            "sla_breach", self, own=lambda order: order.user_id)

    # SLA breach activities are scheduled by cron workers in committed
    # batches (the job "sla_breach" of csp.batch): an order is due while its
    # running SLA's deadline has passed and that SLA has no activity yet;
    # scheduling it writes `csp_sla_alerted_kind`, which takes it out of the
    # domain in the transaction of its activity.

    @api.model
    def _cron_csp_sla_breaches(self):
        """The job, for a database whose cron (noupdate) still calls this
        method."""
        return self._csp_batch_run("sla_breach")

    @api.model
    def _csp_sla_breach_domain(self):
        return list(Domain.AND([
            [("csp_sla_deadline", "<", fields.Datetime.now()), ("state", "!=", "cancel")],
            Domain.OR([[("csp_sla_kind", "=", kind), ("csp_sla_alerted_kind", "!=", kind)]
                       for kind, _label in SLA_KINDS]),
        ]))

    def _csp_schedule_sla_breaches(self):
        """One breach activity per order, due today, for its responsible:
        all created at once."""
        orders = self.sudo()
        breach = self.env.ref("customer_service_process.mail_activity_sla_breach")
        # The SLA's name in the company's language, as the selection shows it.
        kinds = dict(self._fields["csp_sla_kind"]._description_selection(self.env))
        today = fields.Date.context_today(self)
        model_id = self.env["ir.model"]._get_id(self._name)
        assignments = orders._csp_sla_assignments()
        values = []
        for order in orders:
            user = order._csp_sla_responsible()
            note = self.env._("The %(sla)s deadline was %(deadline)s.",
                              sla=kinds[order.csp_sla_kind], deadline=order.csp_sla_deadline)
            if user == assignments[order].user and assignments[order].note:
                note = f"{note} {assignments[order].note}"
            values.append({
                "activity_type_id": breach.id, "res_model_id": model_id, "res_id": order.id,
                "automated": True, "date_deadline": today, "user_id": user.id,
                "summary": self.env._("%(sla)s target missed", sla=kinds[order.csp_sla_kind]),
                "note": note,
            })
        self._csp_batch_create_activities(values)
        for kind, group in _group_by(orders, lambda o: o.csp_sla_kind).items():
            group.write({"csp_sla_alerted_kind": kind})
        return self

    def _csp_close_stale_sla_activities(self):
        """Orders whose breached SLA is no longer the running one moved on:
        their breach activity is marked done."""
        if self:
            alerted = self.filtered("csp_sla_alerted_kind")
        else:
            alerted = self.search(Domain.OR([
                [("csp_sla_alerted_kind", "=", kind), ("csp_sla_kind", "!=", kind)]
                for kind, _label in SLA_KINDS]))
        moved_on = alerted.filtered(lambda o: o.csp_sla_alerted_kind != o.csp_sla_kind)
        if moved_on:
            moved_on.activity_feedback(
                ["customer_service_process.mail_activity_sla_breach"],
                feedback=self.env._("The order moved on."))
            moved_on.sudo().write({"csp_sla_alerted_kind": False})

    # ------------------------------------------------------------ batches

    @api.model
    def _csp_batch_domain(self, job):
        if job == "sla_breach":
            return self._csp_sla_breach_domain()
        return super()._csp_batch_domain(job)

    @api.model
    def _csp_batch_sweep(self, job):
        if job == "sla_breach":
            # Orders that moved on: their breach activity is marked done.
            self._csp_close_stale_sla_activities()
        return super()._csp_batch_sweep(job)

    def _csp_batch_process(self, job):
        if job == "sla_breach":
            return self._csp_schedule_sla_breaches()
        return super()._csp_batch_process(job)

    def _csp_batch_failed(self, job, error):
        if job != "sla_breach":
            return super()._csp_batch_failed(job, error)
        # Flagged in the chatter instead, once for this SLA.
        self._csp_batch_log_failure({"csp_sla_alerted_kind": self.sudo().csp_sla_kind}, self.env._(
            "The SLA breach activity could not be scheduled: %(error)s", error=str(error)))
        return None
