"""The quotation and order of the process: how it reached the company, who
serves it, whose it is.  Each further concern of the process extends
``sale.order`` in a file of its own (``sale_order_<concern>.py``);
``action_confirm`` and ``write`` are overridden here only, and call the
concerns' steps by name."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .csp_cost_guard import COST_VIEWER
from .csp_link import mail_template

CHANNELS = [
    ("phone", "Phone"),
    ("email", "E-mail"),
    ("office", "Office visit"),
    ("website", "Website / portal"),
    ("visit", "Field rep visit"),
]
FIELD_CHANNELS = ("visit",)


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "csp.process.owned", "csp.batch"]
    # What the process derives: stage, milestones, the check that counts,
    # answer and fulfilment figures, distribution, production and survey
    # bookkeeping, the customer's opinion and the SLA.
    _csp_process_fields = frozenset({
        "csp_service", "csp_stage_id",
        "csp_received_at", "csp_answered_at", "csp_accepted_at", "csp_delivered_at",
        "csp_paid_at",
        "csp_check_id", "csp_approval_state",
        "csp_answer_hours", "csp_answer_on_time", "csp_fulfilment_days",
        "csp_fulfilment_on_time",
        "csp_distribution_state", "csp_pickup_notified", "csp_produced_notified",
        "csp_survey_input_id", "csp_survey_sent_at", "csp_survey_reminded_at",
        "csp_survey_error",
        "csp_feedback_at", "csp_satisfaction_score", "csp_nps_score", "csp_nps_category",
        "csp_quality_score", "csp_on_time_answer", "csp_improvement",
        "csp_sla_kind", "csp_sla_deadline", "csp_sla_alerted_kind",
        "csp_lost_reason_id",
    })
    # Bulk steps done by cron workers in committed batches (see csp.batch).
    _csp_batch_jobs = {
        "survey_invite": "customer_service_process.ir_cron_satisfaction_surveys",
        "survey_remind": "customer_service_process.ir_cron_survey_reminders",
        "sla_breach": "customer_service_process.ir_cron_sla_breaches",
        "pickup_ready": "customer_service_process.ir_cron_pickup_ready",
    }
    _csp_batch_sizes = {"survey_invite": 100, "survey_remind": 100, "sla_breach": 200,
                        "pickup_ready": 100}

    # Margins are the cost viewers' (see csp_cost_guard); computed as superuser.
    margin = fields.Monetary(groups=COST_VIEWER)
    margin_percent = fields.Float(groups=COST_VIEWER)

    csp_channel = fields.Selection(
        CHANNELS, string="Channel", required=True, default=lambda self: self._default_csp_channel(),
        tracking=True, help="How the order reached the company (source document 000, a).")
    csp_service = fields.Selection(
        [("head_office", "Head office"), ("field", "Field rep")], string="Served by",
        compute="_compute_csp_service", store=True)

    # ------------------------------------------------------------------ defaults

    @api.model
    def _default_csp_channel(self):
        if self.env.user.has_group("customer_service_process.group_field_rep"):
            return "visit"
        return "phone"

    # --------------------------------------------------------------- ownership

    def _check_csp_rep_own_customer(self, vals=None):
        """A field rep quotes only the customers assigned to him, as their
        salesperson: he neither takes another rep's customer nor hands his
        order to someone else (the process and head office may).  Called by
        create on the new orders, and by write on the values before they are
        written (Odoo would otherwise stumble on the other customer's record
        first): constraints run as superuser and would not know who writes."""
        if self.env.su or not self.env.user.has_group(
                "customer_service_process.group_field_rep"):
            return
        user = self.env.user
        # The invoice and delivery addresses too: another customer's address
        # would bill or ship him through this rep's order.
        if vals is None:
            rows = [(order.user_id, order.partner_id | order.partner_invoice_id
                     | order.partner_shipping_id) for order in self.sudo()]
        else:
            rows = [(self.env["res.users"].browse(vals["user_id"]) if "user_id" in vals else user,
                     self.env["res.partner"].sudo().browse([
                         vals[name] for name in ("partner_id", "partner_invoice_id",
                                                 "partner_shipping_id") if vals.get(name)]))]
        for salesperson, partners in rows:
            if salesperson != user:
                raise ValidationError(self.env._(
                    "A field representative's orders are his own: head office assigns "
                    "orders and customers to salespeople."))
            for partner in partners:
                if partner.commercial_partner_id.user_id != user:
                    raise ValidationError(self.env._(
                        "%(customer)s is not one of your customers: head office assigns "
                        "customers to salespeople.", customer=partner.name))

    # ------------------------------------------------------------------ computes

    @api.depends("csp_channel")
    def _compute_csp_service(self):
        for order in self:
            order.csp_service = "field" if order.csp_channel in FIELD_CHANNELS else "head_office"

    # ------------------------------------------------------------ notices

    def _csp_post_template(self, template,
                           layout="mail.mail_notification_layout_with_responsible_signature"):
        """Post one of the addon's editable mail templates (its name: see
        csp_link.mail_template) on each order, as a message to the customer.
        Nothing when the company deleted the template: a notice it does not
        want is not sent.  The one way the process posts a customer notice on
        an order (personal links go by csp_link.send_private_mail instead)."""
        template = mail_template(self.env, template)
        if template and self:
            self.message_post_with_source(
                template, email_layout_xmlid=layout, subtype_xmlid="mail.mt_comment")

    # ------------------------------------------------------------ overrides

    def action_confirm(self):
        self._csp_check_confirmation_allowed()
        result = super().action_confirm()
        self._csp_after_confirm()
        return result

    def _csp_after_confirm(self):
        """Hook, called once the orders are confirmed: the steps that follow a
        confirmation.  Override to add one (call super)."""
        self._csp_notify_pickup_ready()
        self._csp_welcome_new_customers()

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders._check_csp_rep_own_customer()
        orders._csp_take_inquiry_time()
        return orders

    def write(self, vals):
        if {"partner_id", "partner_invoice_id", "partner_shipping_id", "user_id"} & set(vals):
            self._check_csp_rep_own_customer(vals)
        result = super().write(vals)
        self._csp_reset_approval_on_change(vals)
        return result
