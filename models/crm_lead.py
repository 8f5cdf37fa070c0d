"""Every inquiry is an opportunity of Odoo's CRM (source documents 003 and
004): how it came in, how the customer heard of us, who answers it and by
when.

Routing (source document 003): an existing customer's inquiry goes at once
to his salesperson; a new customer's to the company's office manager, who
qualifies it and assigns it, unless a field rep met the customer on a visit
and entered it himself.  The responsible person gets an activity due at the
answer deadline (crm_lead_sla.py)."""

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .sale_order import CHANNELS

# Channels on which nobody can ask how the customer heard of us: a qualified
# default source stands in until the office manager asks.
UNASKED_CHANNELS = ("email", "website")


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "csp.process.owned"]
    _csp_process_fields = frozenset({"csp_received_at", "csp_answered_at",
                                     "csp_answer_deadline", "csp_sla_alerted"})

    csp_channel = fields.Selection(
        CHANNELS, string="Channel", required=True,
        default=lambda self: self._default_csp_channel(), tracking=True,
        help="How the inquiry reached the company (source document 000, a).")
    csp_received_at = fields.Datetime(
        string="Received", default=fields.Datetime.now, copy=False, readonly=True,
        help="When the inquiry came in: the answer target runs from here, and the "
             "quotation made from it keeps this time.")
    csp_answered_at = fields.Datetime(
        string="Answered", copy=False, readonly=True,
        help="When the customer got the answer: the quotation's feasibility answer, or "
             "the inquiry marked lost or won.")
    csp_new_customer = fields.Boolean(
        string="New Customer", compute="_compute_csp_new_customer",
        help="No customer yet, or one with neither a confirmed order nor a salesperson.")

    # --------------------------------------------------------------- defaults

    @api.model
    def _default_csp_channel(self):
        # As for a quotation: a rep's visit, else the phone.
        return self.env["sale.order"]._default_csp_channel()

    @api.depends("partner_id.commercial_partner_id.csp_customer_since",
                 "partner_id.commercial_partner_id.user_id")
    def _compute_csp_new_customer(self):
        for lead in self:
            lead.csp_new_customer = self._csp_is_new_customer(lead.partner_id)

    @api.model
    def _csp_is_new_customer(self, partner):
        """Nobody knows him yet: no confirmed order, no salesperson."""
        customer = partner.commercial_partner_id
        return not (customer.csp_customer_since or customer.user_id)

    # ---------------------------------------------------------------- create

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._csp_check_inquiry_vals(vals)
        leads = super().create(vals_list)
        leads._csp_route()
        leads._csp_keep_source_on_customer()
        return leads

    def write(self, vals):
        result = super().write(vals)
        if "user_id" in vals:
            self._csp_move_answer_activity()
        if "partner_id" in vals or "source_id" in vals:
            self._csp_keep_source_on_customer()
        return result

    @api.model
    def _csp_check_inquiry_vals(self, vals):
        """Refuse an inquiry nobody could answer, and ask a new customer how
        he heard of us; a mail or the portal gets a qualified default."""
        partner = self.env["res.partner"].browse(vals.get("partner_id"))
        if not partner and not (vals.get("email_from") or vals.get("phone")):
            raise ValidationError(self.env._(
                "An inquiry needs its customer: choose one, or give an e-mail address or a "
                "phone number to answer him."))
        if vals.get("source_id"):
            return
        if not self._csp_is_new_customer(partner):
            return
        if partner.commercial_partner_id.csp_source_id:
            vals["source_id"] = partner.commercial_partner_id.csp_source_id.id
            return
        channel = vals.get("csp_channel") or self._default_csp_channel()
        if channel in UNASKED_CHANNELS:
            vals["source_id"] = self._csp_unasked_source().id
            return
        raise ValidationError(self.env._(
            "A new customer's first inquiry says how he heard of us: fill in "
            "\"Heard of Us Through\"."))

    # ------------------------------------------------------------ the portal

    @api.model
    def _csp_create_from_portal(self, partner, subject, description):
        """An inquiry the customer sends from the portal, as superuser (he
        reads no CRM): the website/portal channel, routed as any other."""
        subject = (subject or "").strip()
        if not subject:
            raise ValidationError(self.env._("Say in a few words what you need."))
        values = self._prepare_portal_inquiry_vals(partner, subject, (description or "").strip())
        return self.sudo().with_company(values["company_id"]).create(values)

    @api.model
    def _prepare_portal_inquiry_vals(self, partner, subject, description):
        company = partner.company_id or partner.commercial_partner_id.company_id
        return {
            "name": subject[:200],
            "type": "opportunity",
            "partner_id": partner.id,
            "csp_channel": "website",
            "company_id": (company or self.env.company).id,
            "description": Markup("<p>%s</p>") % Markup("<br/>").join(
                escape(line) for line in description.splitlines()) if description else False,
        }

    @api.model
    def _csp_unasked_source(self):
        return self.env.ref("customer_service_process.utm_source_not_asked")

    def _csp_keep_source_on_customer(self):
        """The customer remembers how he heard of us (res.partner.csp_source_id)."""
        for lead in self.filtered(lambda lead: lead.source_id and lead.partner_id):
            customer = lead.partner_id.commercial_partner_id
            if not customer.csp_source_id and lead.source_id != self._csp_unasked_source():
                customer.sudo().csp_source_id = lead.source_id

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A mail to a team's alias is an e-mail inquiry; an unknown sender
        is a new customer whose source nobody asked yet."""
        custom_values = dict(custom_values or {})
        custom_values.setdefault("csp_channel", "email")
        return super().message_new(msg_dict, custom_values=custom_values)

    def _prepare_opportunity_quotation_context(self):
        """The quotation made from the inquiry keeps its channel."""
        context = super()._prepare_opportunity_quotation_context()
        context["default_csp_channel"] = self.csp_channel
        return context

    # --------------------------------------------------------------- routing

    def _csp_route(self):
        """Give each new inquiry its responsible person and team, and him an
        activity due at the answer deadline.  Inquiries imported with the
        context key `csp_import` (history, migration) keep the salesperson
        they were given and get no activity."""
        if self.env.context.get("csp_import"):
            return
        for lead in self:
            user = lead._get_csp_inquiry_responsible()
            values = {"user_id": user.id}
            team = self.env["crm.team"]._get_default_team_id(user_id=user.id) if user else False
            if team:
                values["team_id"] = team.id
            lead.sudo().with_context(csp_routing=True).write(values)
        self._csp_schedule_answer_activity()

    def _get_csp_inquiry_responsible(self):
        """Who answers this inquiry: the process cards' step "Answer an
        inquiry": its own responsible first (the existing customer's
        salesperson; for a new customer, the field rep who entered it on a
        visit), else the office manager.  Override to route otherwise."""
        self.ensure_one()
        return self.env["csp.process.step"]._csp_assign_one(
            "inquiry", self, own=lambda lead: lead._csp_own_responsible()).user

    def _csp_own_responsible(self):
        self.ensure_one()
        salesperson = self.partner_id.commercial_partner_id.user_id
        if salesperson:
            return salesperson
        creator = self.create_uid
        if creator.has_group("customer_service_process.group_field_rep"):
            return creator
        return self.env["res.users"]

    def _csp_schedule_answer_activity(self):
        activity = "customer_service_process.mail_activity_inquiry_answer"
        for lead in self.filtered(lambda lead: lead.user_id and not lead.csp_answered_at
                                  and lead.active):
            deadline = lead.csp_answer_deadline or fields.Datetime.now()
            lead.activity_schedule(
                activity, user_id=lead.user_id.id,
                date_deadline=fields.Datetime.context_timestamp(lead, deadline).date(),
                summary=self.env._("Answer %(inquiry)s", inquiry=lead.name))

    def _csp_move_answer_activity(self):
        """Assigned to someone else: the answer activity follows."""
        if self.env.context.get("csp_routing"):
            return
        activity = "customer_service_process.mail_activity_inquiry_answer"
        leads = self.filtered(lambda lead: lead.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(activity)))
        leads.activity_unlink([activity])
        leads._csp_schedule_answer_activity()
