"""My Work: what waits for a person, as counts that open the records.

A field rep's home (source document 004: every request has a responsible
person and a deadline): his inquiries to answer, his quotations to follow
up, his late orders, his deliveries waiting for the customer, the materials
to hand over, his open complaints and overdue activities.  The head of
sales reads the same counts for every salesperson (*Reporting →
Workload*).  Counted as the reader, through his record rules, one grouped
query per kind for all the users read.
"""

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError


class ResUsers(models.Model):
    _inherit = "res.users"

    csp_work_inquiry_count = fields.Integer(
        string="Inquiries to Answer", compute="_compute_csp_work", groups="base.group_user")
    csp_work_quotation_count = fields.Integer(
        string="Quotations to Follow Up", compute="_compute_csp_work",
        groups="base.group_user")
    csp_work_late_count = fields.Integer(
        string="Late Orders", compute="_compute_csp_work", groups="base.group_user")
    csp_work_delivery_count = fields.Integer(
        string="Deliveries to Confirm", compute="_compute_csp_work",
        groups="base.group_user")
    csp_work_material_count = fields.Integer(
        string="Materials to Hand Over", compute="_compute_csp_work",
        groups="base.group_user")
    csp_work_complaint_count = fields.Integer(
        string="Open Complaints", compute="_compute_csp_work",
        groups="base.group_user")
    csp_work_activity_count = fields.Integer(
        string="Overdue Activities", compute="_compute_csp_work",
        groups="base.group_user")

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        users._csp_set_rep_home()
        return users

    def write(self, vals):
        result = super().write(vals)
        if "group_ids" in vals:
            self._csp_set_rep_home()
        return result

    def _csp_set_rep_home(self):
        """A field rep without a home action starts on My Work, not in
        Discuss: on his phone his work is then one tap away."""
        reps = self.filtered(lambda user: not user.action_id and not user.share
                             and user.has_group("customer_service_process.group_field_rep"))
        home = self.env.ref("customer_service_process.action_my_work", raise_if_not_found=False)
        if reps and home:
            reps.sudo().action_id = home.id

    @api.model
    def _csp_init_rep_homes(self):
        """At install and upgrade: every field rep without a home action."""
        group = self.env.ref("customer_service_process.group_field_rep")
        group.sudo().all_user_ids._csp_set_rep_home()

    @api.model
    def _csp_work_domains(self):
        """{count field: (model, the field naming the person, domain)}: what
        each count of My Work counts.  Override to count more (add the
        field and its row in the view)."""
        today = fields.Date.context_today(self)
        return {
            "csp_work_inquiry_count": (
                "crm.lead", "user_id", self.env["crm.lead"]._csp_unanswered_domain()),
            "csp_work_quotation_count": (
                "sale.order", "user_id", [("state", "in", ("draft", "sent"))]),
            "csp_work_late_count": (
                "sale.order", "user_id",
                [("state", "!=", "cancel"), ("csp_sla_late", "=", True)]),
            "csp_work_delivery_count": (
                "stock.picking", "sale_id.user_id",
                [("csp_delivery_state", "in", ("shipped", "delivered"))]),
            "csp_work_material_count": (
                "csp.sales.material.send", "salesperson_id", [("received_at", "=", False)]),
            "csp_work_complaint_count": (
                "csp.complaint", "user_id", [("is_closed", "=", False)]),
            "csp_work_activity_count": (
                "mail.activity", "user_id", [("date_deadline", "<", today)]),
        }

    # Counted as the reader sees the records: never taken from another
    # reader's cache.
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_csp_work(self):
        users = self.filtered("id")
        counts = {}
        for name, (model, user_field, domain) in self._csp_work_domains().items():
            if model not in self.env or not users:
                counts[name] = {}
                continue
            # A path (the delivery's order's salesperson) is grouped by its
            # first step, then followed on the groups' records.
            head, _dot, rest = user_field.partition(".")
            per_user = counts[name] = defaultdict(int)
            for record, count in self.env[model]._read_group(
                    [(user_field, "in", users.ids), *domain], [head], ["__count"]):
                per_user[(record.mapped(rest) if rest else record).id] += count
        for user in self:
            for name, per_user in counts.items():
                user[name] = per_user.get(user._origin.id, 0)

    def action_csp_work_records(self):
        """The records behind one count of this person's work (the count's
        field in the context key `csp_work`), as the reader may see them:
        the head of sales opens a rep's late orders from *Workload*."""
        self.ensure_one()
        name = self.env.context.get("csp_work")
        domains = self._csp_work_domains()
        if name not in domains:
            raise UserError(self.env._("There is no such count of work."))
        model, user_field, domain = domains[name]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("%(count)s: %(person)s",
                               count=self._fields[name]._description_string(self.env),
                               person=self.name),
            "res_model": model,
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [(user_field, "=", self.id), *domain],
            "context": {"create": False},
        }
