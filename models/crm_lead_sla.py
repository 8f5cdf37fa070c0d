"""The inquiry's answer target (source document 000: 8 working hours): its
deadline on the company's working calendar from the inquiry, late while
nobody answered, and an SLA breach activity scheduled by cron workers in
batches, as for orders.  Once a quotation is made from the inquiry, the
quotation runs the same clock (it keeps the inquiry's *Received*) and the
order's SLA takes over."""

from collections import defaultdict

from odoo import api, fields, models


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "csp.batch"]
    _csp_batch_jobs = {"inquiry_breach": "customer_service_process.ir_cron_inquiry_breaches"}

    csp_answer_deadline = fields.Datetime(
        string="Answer Deadline", compute="_compute_csp_answer_deadline", store=True,
        index="btree_not_null",
        help="The company's answer target in working hours, from the inquiry.")
    csp_answer_late = fields.Boolean(
        string="Answer Late", compute="_compute_csp_answer_late",
        search="_search_csp_answer_late")
    csp_sla_alerted = fields.Boolean(
        string="Answer Alert Sent", copy=False, readonly=True,
        help="The missed answer target already has its activity, so that it gets only one.")

    @api.depends("csp_received_at", "company_id.resource_calendar_id")
    def _compute_csp_answer_deadline(self):
        # The process card's answer target that applied when it was received.
        answer_target = self.env["csp.process.metric"]._csp_target_getter("answer_time")
        groups = defaultdict(list)
        for lead in self:
            lead.csp_answer_deadline = False
            company = lead.company_id or self.env.company
            if lead.csp_received_at and company.resource_calendar_id:
                hours = answer_target(company, lead.csp_received_at.date())
                if hours is not None:
                    groups[(company.resource_calendar_id, hours)].append(lead)
        for (calendar, hours), leads in groups.items():
            planned = calendar._csp_plan_hours_batch(hours, [lead.csp_received_at
                                                             for lead in leads])
            for lead, deadline in zip(leads, planned, strict=True):
                lead.csp_answer_deadline = deadline

    @api.model
    def _csp_unanswered_domain(self):
        """Inquiries nobody answered yet, whose clock the inquiry still runs
        (no quotation made from it)."""
        return [("csp_answered_at", "=", False), ("active", "=", True),
                ("order_ids", "=", False), ("won_status", "!=", "won")]

    @api.depends("csp_answer_deadline", "csp_answered_at", "order_ids")
    def _compute_csp_answer_late(self):
        now = fields.Datetime.now()
        for lead in self:
            lead.csp_answer_late = bool(
                not lead.csp_answered_at and not lead.order_ids and lead.csp_answer_deadline
                and lead.csp_answer_deadline < now)

    def _search_csp_answer_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        late = [*self._csp_unanswered_domain(),
                ("csp_answer_deadline", "<", fields.Datetime.now())]
        if (operator == "=") == value:
            return late
        return ["!", *(["&"] * (len(late) - 1)), *late]

    # ---------------------------------------------------------- the answer

    def _csp_record_answer(self, when):
        """The customer got the company's answer."""
        leads = self.filtered(lambda lead: not lead.csp_answered_at)
        if not leads:
            return
        leads.sudo().write({"csp_answered_at": when})
        leads.activity_feedback(["customer_service_process.mail_activity_inquiry_answer"],
                                feedback=self.env._("Answered."))
        leads.activity_feedback(["customer_service_process.mail_activity_inquiry_breach"],
                                feedback=self.env._("Answered."))

    def action_set_lost(self, **additional_values):
        result = super().action_set_lost(**additional_values)
        self._csp_record_answer(fields.Datetime.now())
        return result

    def action_set_won(self):
        result = super().action_set_won()
        self._csp_record_answer(fields.Datetime.now())
        return result

    # ------------------------------------------------------------ SLA cron

    @api.model
    def _csp_batch_domain(self, job):
        if job == "inquiry_breach":
            return [*self._csp_unanswered_domain(), ("csp_sla_alerted", "=", False),
                    ("csp_answer_deadline", "<", fields.Datetime.now())]
        return super()._csp_batch_domain(job)

    def _csp_batch_process(self, job):
        if job != "inquiry_breach":
            return super()._csp_batch_process(job)
        leads = self.sudo()
        breach = self.env.ref("customer_service_process.mail_activity_inquiry_breach")
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        self._csp_batch_create_activities([{
            "activity_type_id": breach.id, "res_model_id": model_id, "res_id": lead.id,
            "automated": True, "date_deadline": today,
            "user_id": lead._csp_sla_responsible().id,
            "summary": self.env._("Inquiry answer target missed"),
            "note": self.env._("The answer was due %(deadline)s.",
                               deadline=lead.csp_answer_deadline),
        } for lead in leads])
        leads.write({"csp_sla_alerted": True})
        return self

    def _csp_batch_failed(self, job, error):
        if job != "inquiry_breach":
            return super()._csp_batch_failed(job, error)
        self._csp_batch_log_failure({"csp_sla_alerted": True}, self.env._(
            "The SLA breach activity could not be scheduled: %(error)s", error=str(error)))
        return None

    def _csp_sla_responsible(self):
        """The process cards' step "Follow up an inquiry answered late": the
        inquiry's responsible, else the office manager."""
        self.ensure_one()
        return self.env["csp.process.step"]._csp_assign_one(
            "inquiry_late", self, own=lambda lead: lead.user_id).user
