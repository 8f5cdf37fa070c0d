"""The customer's opinion (subprocess e): the satisfaction survey sent after
delivery and reminded once, by cron workers in batches, and his answers."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain

from .csp_link import send_private_mails


class SaleOrder(models.Model):
    _inherit = "sale.order"

    csp_survey_input_id = fields.Many2one(
        "survey.user_input", string="Satisfaction Survey", copy=False, readonly=True)
    csp_survey_sent_at = fields.Datetime(string="Survey Sent", copy=False, readonly=True)
    csp_survey_reminded_at = fields.Datetime(string="Survey Reminder", copy=False,
                                             readonly=True)
    csp_feedback_at = fields.Datetime(string="Feedback Received", copy=False, readonly=True)
    csp_satisfaction_score = fields.Integer(
        string="Satisfaction (1-5)", copy=False, readonly=True, aggregator="avg")
    csp_nps_score = fields.Integer(string="Recommend (0-10)", copy=False, readonly=True,
                                   aggregator="avg")
    csp_nps_category = fields.Selection(
        [("promoter", "Promoter"), ("passive", "Passive"), ("detractor", "Detractor")],
        string="NPS Category", copy=False, readonly=True)
    csp_quality_score = fields.Integer(string="Product Quality (1-5)", copy=False,
                                       readonly=True, aggregator="avg")
    csp_on_time_answer = fields.Selection(
        [("yes", "Yes"), ("no", "No")], string="On Time (customer)", copy=False, readonly=True)
    csp_improvement = fields.Text(string="What to Improve", copy=False, readonly=True)
    csp_survey_error = fields.Text(
        string="Survey Error", copy=False, readonly=True,
        help="Why the satisfaction survey or its reminder could not be sent: the order is "
             "not tried again.")

    # ------------------------------------------------------ satisfaction survey
    # Invitations and reminders are sent by cron workers in committed batches
    # (the jobs "survey_invite" and "survey_remind" of csp.batch): an order
    # is due while it is delivered (or invited) long enough ago and not yet
    # invited (reminded); inviting (reminding) it writes its date, which
    # takes it out of the job's domain in the transaction of its mail.

    @api.model
    def _cron_csp_satisfaction_surveys(self):
        """The invitations' job, for a database whose cron (noupdate) still
        calls this method."""
        return self._csp_batch_run("survey_invite")

    @api.model
    def _csp_survey_domain(self, job):
        now = fields.Datetime.now()
        companies = self.env["res.company"].sudo().search([("csp_survey_id", "!=", False)])
        if job == "survey_invite":
            return list(Domain.AND([
                [("csp_delivered_at", "!=", False), ("csp_survey_sent_at", "=", False),
                 ("state", "=", "sale"), ("csp_survey_error", "=", False)],
                Domain.OR([[("company_id", "=", company.id), ("csp_delivered_at", "<=", now
                            - timedelta(days=company.csp_survey_delay_days))]
                           for company in companies]),
            ]))
        companies = companies.filtered("csp_survey_reminder_days")
        return list(Domain.AND([
            [("csp_survey_sent_at", "!=", False), ("csp_survey_reminded_at", "=", False),
             ("csp_feedback_at", "=", False), ("csp_survey_input_id", "!=", False),
             ("csp_survey_input_id.state", "!=", "done"), ("csp_survey_error", "=", False)],
            Domain.OR([[("company_id", "=", company.id), ("csp_survey_sent_at", "<=", now
                        - timedelta(days=company.csp_survey_reminder_days))]
                       for company in companies]),
        ]))

    def _csp_send_survey(self):
        """One personal survey link per order, by e-mail; none for customers
        who opted out (recorded, so that they are not asked again).  The
        orders' mails are rendered together and queued with one create."""
        now = fields.Datetime.now()
        orders = self.sudo()
        opted_out = orders.filtered(
            lambda o: o.partner_id.csp_survey_opt_out
            or o.partner_id.commercial_partner_id.csp_survey_opt_out)
        opted_out.write({"csp_survey_sent_at": now})
        opted_out._message_log_batch({order.id: self.env._(
            "No satisfaction survey: the customer opted out.") for order in opted_out})
        sent = orders - opted_out
        # No "participation created" message per answer: the order's chatter
        # says the survey was sent (a message costs more than the answer).
        quiet = {"mail_create_nolog": True, "mail_create_nosubscribe": True}
        for order in sent:
            answer = order.company_id.csp_survey_id.with_context(**quiet)._create_answer(
                partner=order.partner_id, check_attempts=False, csp_order_id=order.id)
            order.write({"csp_survey_input_id": answer.id, "csp_survey_sent_at": now})
        # To the customer alone, on no thread: the personal link stays out
        # of the chatter and of every mail others read.
        send_private_mails("mail_template_survey_invitation", sent,
                           {order.id: order.partner_id for order in sent})
        sent._message_log_batch({order.id: self.env._(
            "Satisfaction survey sent to %(customer)s.", customer=order.partner_id.name)
            for order in sent})
        return self.browse(sent.ids)

    def _csp_remind_survey(self):
        orders = self.sudo()
        orders.write({"csp_survey_reminded_at": fields.Datetime.now()})
        send_private_mails("mail_template_survey_reminder", orders, {
            order.id: order.csp_survey_input_id.partner_id or order.partner_id
            for order in orders})
        orders._message_log_batch({order.id: self.env._("Satisfaction survey reminder sent.")
                                   for order in orders})
        return self

    def _csp_survey_url(self):
        self.ensure_one()
        answer = self.sudo().csp_survey_input_id
        return answer and f"{self.get_base_url()}{answer.get_start_url()}"

    def _csp_record_feedback(self, answer):
        """The customer answered: the order's satisfaction figures, its stage,
        and a call-back by the head of sales when he is unhappy."""
        self.ensure_one()
        values = {"csp_feedback_at": fields.Datetime.now()}
        for line in answer.user_input_line_ids.filtered("question_id.csp_metric"):
            metric = line.question_id.csp_metric
            if line.skipped:
                continue
            if metric == "overall":
                values["csp_satisfaction_score"] = line.value_scale
            elif metric == "nps":
                values["csp_nps_score"] = line.value_scale
                values["csp_nps_category"] = (
                    "promoter" if line.value_scale >= 9
                    else "passive" if line.value_scale >= 7 else "detractor")
            elif metric == "quality":
                values["csp_quality_score"] = line.value_scale
            elif metric == "on_time" and line.suggested_answer_id:
                values["csp_on_time_answer"] = "yes" if line.suggested_answer_id.csp_is_yes \
                    else "no"
            elif metric == "improve":
                values["csp_improvement"] = line.value_text_box or line.value_char_box
        self.write(values)
        low = (values.get("csp_satisfaction_score") and values["csp_satisfaction_score"] <= 2) \
            or values.get("csp_nps_category") == "detractor"
        if low:
            # The cards' step "Call back an unhappy customer".
            manager, gap = self.env["csp.process.step"]._csp_assign_one(
                "survey_callback", self, own=lambda order: order.user_id)
            self.activity_schedule(
                "customer_service_process.mail_activity_survey_callback",
                date_deadline=fields.Date.context_today(self),
                user_id=manager.id,
                summary=self.env._("Call back an unhappy customer"),
                note=" ".join(filter(None, [self.env._(
                    "Satisfaction %(score)s/5, recommendation %(nps)s/10.",
                    score=values.get("csp_satisfaction_score", "-"),
                    nps=values.get("csp_nps_score", "-")), gap])))
        self.message_post(body=self.env._(
            "The customer answered the satisfaction survey: %(score)s/5, would recommend "
            "%(nps)s/10.", score=values.get("csp_satisfaction_score", "-"),
            nps=values.get("csp_nps_score", "-")))

    # ------------------------------------------------------------ batches

    @api.model
    def _csp_batch_domain(self, job):
        if job in ("survey_invite", "survey_remind"):
            return self._csp_survey_domain(job)
        return super()._csp_batch_domain(job)

    def _csp_batch_process(self, job):
        if job == "survey_invite":
            return self._csp_send_survey()
        if job == "survey_remind":
            return self._csp_remind_survey()
        return super()._csp_batch_process(job)

    def _csp_batch_failed(self, job, error):
        if job not in ("survey_invite", "survey_remind"):
            return super()._csp_batch_failed(job, error)
        self._csp_batch_log_failure({"csp_survey_error": str(error)}, self.env._(
            "The satisfaction survey could not be sent: %(error)s", error=str(error)))
        return None
