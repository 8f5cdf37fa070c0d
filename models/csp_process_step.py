from collections import namedtuple

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval

# The work the process plans as activities, and the model of the record each
# is about (where a step's rules look for their conditions).
ACTIVITIES = [
    ("inquiry", "Answer an inquiry"),
    ("inquiry_late", "Follow up an inquiry answered late"),
    ("sla_breach", "Follow up an order past its target"),
    ("approval", "Approve or refuse an order"),
    ("late_production", "Follow up manufacturing late for the customer"),
    ("delivery_dispute", "Follow up a delivery the customer disputes"),
    ("pickup", "Hand over an order the customer collects"),
    ("survey_callback", "Call back an unhappy customer"),
    ("complaint", "Handle a complaint"),
    ("dunning_call", "Call a customer about overdue invoices"),
]
ACTIVITY_MODELS = {
    "inquiry": "crm.lead", "inquiry_late": "crm.lead", "complaint": "csp.complaint",
    "dunning_call": "res.partner",
}

Assignment = namedtuple("Assignment", "user note")


class CspProcessStep(models.Model):
    """A row of the responsibility matrix: who is Responsible and who
    Performs one step of a process.  A step that names the work the process
    plans (`activity`) decides who gets it (`_csp_assign`)."""

    _name = "csp.process.step"
    _inherit = ["csp.process.cache"]
    _description = "Process Step"
    _order = "process_id, sequence, id"

    process_id = fields.Many2one("csp.process", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    responsible_role_ids = fields.Many2many(
        "csp.process.role", "csp_process_step_responsible_rel", "step_id", "role_id",
        string="Responsible (R)")
    performer_role_ids = fields.Many2many(
        "csp.process.role", "csp_process_step_performer_rel", "step_id", "role_id",
        string="Performs (P)")
    activity = fields.Selection(
        ACTIVITIES, string="Work It Plans", copy=False,
        help="The activity of the process this step assigns: it goes to the Responsible "
             "(the record's own responsible first, then the roles' holders), unless a rule "
             "below matches.")
    rule_model = fields.Char(compute="_compute_rule_model")
    # Not copied, as the work it plans: a duplicated card is a draft.
    rule_ids = fields.One2many("csp.process.step.rule", "step_id", string="Rules")
    assignee_text = fields.Char(
        string="Goes To", compute="_compute_assignee_text",
        help="Who gets the step's work in the current company.")
    has_gap = fields.Boolean(
        string="Nobody Named", compute="_compute_assignee_text",
        help="No responsible role names anyone in the current company: the work goes to "
             "the process owner instead, and says so.")

    @api.depends("activity")
    def _compute_rule_model(self):
        for step in self:
            step.rule_model = step.activity and ACTIVITY_MODELS.get(step.activity, "sale.order")

    @api.depends_context("company")
    @api.depends("activity", "responsible_role_ids.assign_to",
                 "responsible_role_ids.member_ids.user_id")
    def _compute_assignee_text(self):
        company = self.env.company
        for step in self:
            if not step.activity:
                # A step that plans no work assigns nothing.
                step.assignee_text = False
                step.has_gap = False
                continue
            roles = step.responsible_role_ids
            holders = roles.sudo()._csp_holders(company)
            names = []
            for role in step._csp_ordered_roles(roles):
                if role.assign_to == "record":
                    names.append(self.env._("the record's salesperson"))
                elif holders.get((role.id, company.id)):
                    names.append(holders[(role.id, company.id)].name)
            # A gap: no Responsible can name anyone (the record's own
            # responsible always can, when the record has one).
            step.has_gap = not any(role.assign_to == "record" or holders.get((role.id, company.id))
                                   for role in roles)
            step.assignee_text = self.env._(", else ").join(names) if names else \
                self.env._("Nobody: the process owner")

    @api.constrains("activity", "process_id")
    def _check_activity_once(self):
        for step in self.filtered("activity"):
            twins = self.search([("activity", "=", step.activity), ("id", "!=", step.id),
                                 ("process_id.active", "=", True)])
            twins = twins.filtered(lambda s, step=step: not s.process_id.company_id
                                   or not step.process_id.company_id
                                   or s.process_id.company_id == step.process_id.company_id)
            if twins:
                raise ValidationError(self.env._(
                    "The step %(step)s of %(card)s assigns that work already: one step "
                    "decides who gets it.", step=twins[0].name, card=twins[0].process_id.name))

    def _csp_matrix_cell(self, role):
        """'R/P', 'R', 'P' or '' for this step and role."""
        self.ensure_one()
        marks = []
        if role in self.responsible_role_ids:
            marks.append("R")
        if role in self.performer_role_ids:
            marks.append("P")
        return "/".join(marks)

    @staticmethod
    def _csp_ordered_roles(roles):
        """The record's own responsible first (closest to the record), then
        the named roles in their order."""
        return roles.sorted(lambda r: (r.assign_to != "record", r.sequence, r.id))

    # ------------------------------------------------------------ resolver

    @api.model
    def _csp_step_for(self, activity, company):
        steps = self.sudo().search([("activity", "=", activity), ("process_id.active", "=", True),
                                    ("process_id.company_id", "in", [False, company.id])])
        return (steps.filtered(lambda s: s.process_id.company_id) or steps)[:1]

    @api.model
    @tools.ormcache("activity", "company_id")
    def _csp_matrix(self, activity, company_id):
        """What the cards say about `activity` in a company, as plain values
        (cached until a card, step, rule, role or holder changes): the step,
        its rules (rule id, domain, role), its Responsible roles in order
        (role id, held by the record), the roles' holders {role id: user id}
        and the fallback user."""
        company = self.env["res.company"].browse(company_id)
        step = self._csp_step_for(activity, company)
        rules = tuple((rule.id, rule.domain or "[]", rule.role_id.id)
                      for rule in step.rule_ids.sorted(lambda r: (r.sequence, r.id))
                      if rule.role_id)
        roles = self._csp_ordered_roles(step.responsible_role_ids)
        all_roles = roles | step.rule_ids.role_id
        holders = {role_id: user.id for (role_id, _c), user in
                   all_roles.sudo()._csp_holders(company).items()}
        return {
            "step": step.id,
            "rules": rules,
            "roles": tuple((role.id, role.assign_to == "record") for role in roles),
            "record_roles": frozenset(role.id for role in all_roles
                                      if role.assign_to == "record"),
            "holders": holders,
            "fallback": self._csp_fallback(step, company).id,
        }

    @api.model
    def _csp_assign(self, activity, records, own=None, company=None):
        """Who gets the work `activity` for each of `records`, as the process
        cards' responsibility matrix says: {record: Assignment(user, note)}.

        `own(record)` is the record's own responsible (its salesperson, the
        manufacturing order's responsible …), for roles held by "the record's
        own responsible"; `company(record)` its company.  The step's first
        matching rule decides the role, else its Responsible roles in order
        (the record's own responsible first); nobody named: the card's owner,
        else the head of sales, else the administrator, with a note saying
        why.  The cards are read once (cached); a rule costs a query per
        batch of records."""
        own = own or (lambda record: record.env["res.users"])
        company_of = company or (lambda record: record.company_id or self.env.company)
        users = self.env["res.users"]
        by_company = {}
        for record in records:
            by_company.setdefault(company_of(record), []).append(record)
        result = {}
        for comp, members in by_company.items():
            matrix = self._csp_matrix(activity, comp.id)
            matched = {}
            for _rule_id, domain, role_id in matrix["rules"]:
                todo = records.browse([r.id for r in members if r.id not in matched])
                if not todo:
                    break
                found = todo.sudo().filtered_domain(
                    safe_eval(domain, {"uid": self.env.uid}))
                for record_id in found.ids:
                    matched[record_id] = ((role_id, role_id in matrix["record_roles"]),)
            for record in members:
                user = users
                for role_id, held_by_record in matched.get(record.id, matrix["roles"]):
                    if held_by_record:
                        user = own(record)[:1]
                    elif matrix["holders"].get(role_id):
                        user = users.browse(matrix["holders"][role_id]).filtered("active")
                    if user:
                        break
                note = ""
                if not user:
                    user = users.browse(matrix["fallback"])
                    step = self.browse(matrix["step"]).sudo()
                    note = self.env._(
                        "Nobody is named for %(step)s in %(company)s on the process card "
                        "%(card)s: it came to you as the fallback.",
                        step=step.name or dict(ACTIVITIES).get(activity, activity),
                        company=comp.name, card=step.process_id.name or "-")
                result[record] = Assignment(user, note)
        return result

    @api.model
    def _csp_fallback(self, step, company):
        owner = step.process_id.owner_id
        if owner and owner.active and company in owner.company_ids:
            return owner
        return company._csp_responsible()

    @api.model
    def _csp_assign_one(self, activity, record, own=None):
        """`_csp_assign` for one record."""
        return self._csp_assign(activity, record, own=own)[record]

    @api.model
    def _csp_assign_default(self, activity, company):
        """Who gets the work `activity` in `company` before there is a record
        (a form's default): the step's first named holder, else the fallback."""
        matrix = self._csp_matrix(activity, company.id)
        for role_id, held_by_record in matrix["roles"]:
            if not held_by_record and matrix["holders"].get(role_id):
                return self.env["res.users"].browse(matrix["holders"][role_id])
        return self.env["res.users"].browse(matrix["fallback"])
