from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError

FIELD_REP = "customer_service_process.group_field_rep"


class CspSalesMaterialSend(models.Model):
    """A material sent to one customer: approved at, sent at, received at,
    each measured in working hours against the company's target."""

    _name = "csp.sales.material.send"
    _inherit = ["csp.process.owned", "csp.batch", "csp.link.mixin"]
    # The timing of a send is measured, never typed; its mail is the
    # process's.
    _csp_process_fields = frozenset({
        "sent_at", "received_at", "channel", "handed_by_id", "hours_to_send",
        "hours_to_receive", "on_time", "mail_state", "mail_error",
    })
    # A material approved for every customer makes thousands of sends: their
    # e-mails are made by cron workers, a batch at a time (the job
    # "material_mail" of csp.batch).
    _csp_batch_jobs = {"material_mail": "customer_service_process.ir_cron_material_mail"}
    _csp_batch_sizes = {"material_mail": 200}
    # The customer's link: /csp/material/<id>/<token>, open for good.
    _csp_link_path = "material"
    _description = "Sales Material Send"
    _order = "id desc"

    material_id = fields.Many2one("csp.sales.material", required=True, ondelete="cascade",
                                  index=True)
    company_id = fields.Many2one(related="material_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    salesperson_id = fields.Many2one(related="partner_id.user_id", store=True,
                                     string="Salesperson")
    approved_at = fields.Datetime(related="material_id.approved_at", store=True)
    sent_at = fields.Datetime(readonly=True)
    received_at = fields.Datetime(readonly=True, help="Opened, downloaded or handed over.")
    channel = fields.Selection(
        [("email", "E-mail"), ("portal", "Portal"), ("hand", "Handed over by the rep")],
        readonly=True, default="email")
    handed_by_id = fields.Many2one("res.users", readonly=True)
    access_token = fields.Char(
        readonly=True, groups="base.group_system",
        help="The sha256 digest of the customer's link token; the token itself is only "
             "in the mail to the customer.")
    hours_to_send = fields.Float(string="Hours to Send", readonly=True, aggregator="avg")
    hours_to_receive = fields.Float(string="Hours to Receipt", readonly=True, aggregator="avg")
    on_time = fields.Boolean(string="Received on Time", readonly=True)
    mail_state = fields.Selection(
        [("queued", "To Mail"), ("mailed", "Mailed"), ("failed", "Mail Failed")],
        string="E-mail", readonly=True, index="btree_not_null", copy=False)
    mail_error = fields.Text(readonly=True, copy=False,
                             help="Why the customer's e-mail could not be made.")

    _material_partner_unique = models.UniqueIndex(
        "(material_id, partner_id)", "A customer gets a material once.")

    def _csp_queue_mails(self, tokens):
        """The e-mails of a batch, created at once for Odoo's mail queue;
        `tokens` gives each send's raw token.  Each goes to its customer only,
        on no thread, created by the superuser: whoever approved or sent the
        material cannot read the customer's link afterwards."""
        fallback_from = self.env.user.email_formatted
        mails = self.env["mail.mail"].with_user(SUPERUSER_ID).create([{
            "subject": send.material_id.name,
            "body_html": send.material_id._csp_mail_body(send, tokens[send.id]),
            "recipient_ids": [fields.Command.link(send.partner_id.id)],
            "email_from": send.company_id.email_formatted or fallback_from,
            "csp_material_send_id": send.id,
            "auto_delete": True,
        } for send in self])
        return mails

    # ------------------------------------------------------------ the e-mails
    # A send is created queued; a cron worker gives it its token (the send
    # keeps the digest, the mail the token) and queues its mail, marking it
    # mailed in the same transaction.

    @api.model
    def _csp_batch_domain(self, job):
        if job == "material_mail":
            return [("mail_state", "=", "queued")]
        return super()._csp_batch_domain(job)

    def _csp_batch_process(self, job):
        if job != "material_mail":
            return super()._csp_batch_process(job)
        sends = self.sudo()
        sends._csp_queue_mails(sends._csp_new_link_tokens())
        sends.write({"mail_state": "mailed"})
        return None

    def _csp_batch_failed(self, job, error):
        if job != "material_mail":
            return super()._csp_batch_failed(job, error)
        self.sudo().write({"mail_state": "failed", "mail_error": str(error)})
        return None

    def _csp_measure(self, field_name, when):
        """Working hours from the approval to `when`."""
        spent = self.env["resource.calendar"]._csp_work_hours_of(
            [(send, send.approved_at or when, when) for send in self])
        target = self.env["csp.process.metric"]._csp_target_getter("materials_time")
        for send in self:
            hours = spent[send][0]
            values = {field_name: hours}
            if field_name == "hours_to_receive":
                limit = target(send.company_id, (send.approved_at or when).date())
                values["on_time"] = limit is None or hours <= limit
            send.write(values)

    def _csp_mark_sent(self, when=None):
        when = when or fields.Datetime.now()
        todo = self.sudo().filtered(lambda s: not s.sent_at)
        todo.write({"sent_at": when})
        todo._csp_measure("hours_to_send", when)

    def _csp_mark_received(self, channel, when=None):
        when = when or fields.Datetime.now()
        todo = self.sudo().filtered(lambda s: not s.received_at)
        todo.write({"received_at": when, "channel": channel})
        todo.filtered(lambda s: not s.sent_at)._csp_mark_sent(when)
        todo._csp_measure("hours_to_receive", when)

    def action_hand_over(self):
        """The rep gave it to the customer at a visit."""
        for send in self:
            send.check_access("read")
            if self.env.user.has_group(FIELD_REP) and \
                    send.partner_id.commercial_partner_id.user_id != self.env.user:
                raise AccessError(self.env._("You can only hand over to your own customers."))
            if send.received_at:
                raise UserError(self.env._("%(customer)s already has it.",
                                           customer=send.partner_id.name))
        self.sudo().write({"handed_by_id": self.env.uid})
        self._csp_mark_received("hand")
        return True
