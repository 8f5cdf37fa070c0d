from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

# What a process manager may change on his companies without being an
# administrator: the targets and the working schedule they are counted on.
PROCESS_TARGET_FIELDS = frozenset({
    "csp_feasibility_sla_hours", "csp_fulfilment_sla_days", "csp_head_of_sales_id",
    "resource_calendar_id", "csp_min_margin_percent", "csp_overdue_limit",
    "csp_feasibility_auto_accept", "csp_feasibility_required",
    "csp_delivery_reminder_days", "csp_delivery_autoconfirm_days",
    "csp_survey_id", "csp_survey_delay_days", "csp_survey_reminder_days", "csp_kpi_monthly",
    "csp_material_sla_hours", "csp_office_manager_id", "csp_sales_analytic_account_id",
})
# The company fields that show a process card's target (its metric's code).
TARGET_FIELDS = {
    "csp_feasibility_sla_hours": "answer_time",
    "csp_fulfilment_sla_days": "fulfilment_time",
    "csp_material_sla_hours": "materials_time",
}
ROLE_HEAD = "customer_service_process.role_head_of_sales"
ROLE_OFFICE = "customer_service_process.role_office_manager"
# The accountants' dunning settings (they may change them as accountants).
DUNNING_FIELDS = frozenset({
    "csp_dunning_enabled", "csp_dunning_auto_send", "csp_dunning_fee_product_id",
    "csp_dunning_fee_posting",
})


class ResCompany(models.Model):
    _inherit = "res.company"

    # Targets of source document 000, counted on the company's working calendar.
    # They live on the process cards (csp.process.target): these fields show
    # and change the target that applies today.
    csp_feasibility_sla_hours = fields.Float(
        string="Feasibility Answer Target (working hours)",
        compute="_compute_csp_targets", inverse="_inverse_csp_feasibility_sla_hours",
        help="From the order received to the answer to the customer whether it can "
             "be fulfilled (the process card's metric answer_time).")
    csp_fulfilment_sla_days = fields.Float(
        string="Fulfilment Target (working days)",
        compute="_compute_csp_targets", inverse="_inverse_csp_fulfilment_sla_days",
        help="From the order accepted to the delivery confirmed by the customer (the "
             "process card's metric fulfilment_time).")
    csp_target_ids = fields.One2many(
        "csp.process.target", "company_id", string="Targets of the Process Cards")
    # The holders of two roles of the process cards' responsibility matrix
    # in this company (csp.process.role.member), shown and set here.
    csp_head_of_sales_id = fields.Many2one(
        "res.users", string="Head of Sales",
        compute="_compute_csp_role_holders", inverse="_inverse_csp_head_of_sales_id",
        help="Holds the role Head of sales of the process cards: responsible for head-office "
             "orders and the owner of the process.")
    csp_office_manager_id = fields.Many2one(
        "res.users", string="Office Manager",
        compute="_compute_csp_role_holders", inverse="_inverse_csp_office_manager_id",
        help="Holds the role Office manager of the process cards: receives new customers' "
             "inquiries (by phone, e-mail, the portal), qualifies them and assigns them to a "
             "salesperson (source document 003).")

    # The feasibility and profitability check's rules (subprocess b).
    csp_min_margin_percent = fields.Float(
        string="Minimum Margin (%)", default=20.0,
        help="The margin an order and each of its lines must reach to pass the "
             "profitability check; product categories can set their own.")
    csp_overdue_limit = fields.Monetary(
        string="Overdue Limit", currency_field="currency_id", default=0.0,
        help="A customer with more than this overdue fails the customer check.")
    csp_feasibility_auto_accept = fields.Boolean(
        string="Accept Feasible Orders Automatically", default=True,
        help="An order that passes every check is accepted and confirmed at once; "
             "otherwise every order waits for a process manager.")
    # Four eyes: an administrator's decision, not a process manager's target.
    csp_feasibility_self_approval = fields.Boolean(
        string="Process Managers Approve Their Own Requests", default=False,
        help="Off: whoever requested a feasibility check never decides it; another "
             "process manager does.  On: a process manager may approve or refuse a check "
             "he requested himself.")
    csp_feasibility_required = fields.Boolean(
        string="Head Office Confirms Only Checked Orders", default=False,
        help="Field reps always need an approved feasibility check to confirm an "
             "order; with this, head office does too.")

    # The customer's confirmation of deliveries (subprocess d).
    csp_delivery_reminder_days = fields.Integer(
        string="Remind to Confirm after (days)", default=3,
        help="Days after dispatch without the customer's answer before he is reminded "
             "once; 0: no reminder.")
    csp_delivery_autoconfirm_days = fields.Integer(
        string="Confirm Automatically after (days)", default=10,
        help="Days after dispatch without the customer's answer before the delivery is "
             "confirmed automatically (and marked so); 0: never.")

    # The customer's opinion (subprocess e).
    csp_survey_id = fields.Many2one(
        "survey.survey", string="Satisfaction Survey",
        default=lambda self: self.env.ref("customer_service_process.survey_satisfaction",
                                          raise_if_not_found=False),
        help="Sent to the customer once per delivered order; empty: no survey.")
    csp_survey_delay_days = fields.Integer(
        string="Send Survey after (days)", default=0,
        help="Days after the order is delivered (confirmed by the customer).")
    csp_survey_reminder_days = fields.Integer(
        string="Remind to Answer after (days)", default=5,
        help="One reminder this many days after the invitation; 0: none.")

    csp_material_sla_hours = fields.Float(
        string="Sales Materials Target (working hours)",
        compute="_compute_csp_targets", inverse="_inverse_csp_material_sla_hours",
        help="From a sales material approved to its receipt by each customer (source "
             "document 000; the process card's metric materials_time).")
    csp_sales_analytic_account_id = fields.Many2one(
        "account.analytic.account", string="Sales Department's Analytic Account",
        help="The own cost of the sales department (source document 000) is the expense "
             "lines of this analytic account in the report's period.")
    csp_kpi_monthly = fields.Boolean(
        string="E-mail the Monthly Report",
        help="On the first of each month, last month's management report goes to the "
             "company's process managers.")

    # Dunning (subprocess f)
    csp_dunning_enabled = fields.Boolean(
        string="Daily Dunning Run", default=True,
        help="The daily cron makes the company's dunning run.")
    csp_dunning_auto_send = fields.Boolean(
        string="Send Dunning Automatically",
        help="The daily run is sent at once instead of waiting for review.")
    csp_dunning_fee_product_id = fields.Many2one(
        "product.product", string="Dunning Fee Product",
        help="The service invoiced for dunning fees.")
    csp_dunning_fee_posting = fields.Selection(
        [("grouped", "One fee invoice per letter"), ("separate", "One fee invoice per invoice")],
        string="Fee Invoices", default="grouped", required=True)
    csp_dunning_level_ids = fields.One2many("csp.dunning.level", "company_id",
                                            string="Dunning Levels")

    @api.constrains("csp_delivery_reminder_days", "csp_delivery_autoconfirm_days",
                    "csp_survey_delay_days", "csp_survey_reminder_days")
    def _check_csp_delivery_days(self):
        for company in self:
            if min(company.csp_delivery_reminder_days, company.csp_delivery_autoconfirm_days,
                   company.csp_survey_delay_days, company.csp_survey_reminder_days) < 0:
                raise ValidationError(self.env._(
                    "Days before a reminder, a survey or an automatic confirmation cannot be "
                    "negative "
                    "(%(company)s).", company=company.name))

    @api.depends("csp_target_ids.target", "csp_target_ids.date_from")
    def _compute_csp_targets(self):
        today = fields.Date.context_today(self)
        for field_name, code in TARGET_FIELDS.items():
            target = self.env["csp.process.metric"]._csp_target_getter(code)
            for company in self:
                company[field_name] = target(company, today) or 0.0

    def _compute_csp_role_holders(self):
        roles = self.env["csp.process.role"]
        for company in self:
            company.csp_head_of_sales_id = roles._csp_holder(ROLE_HEAD, company)
            company.csp_office_manager_id = roles._csp_holder(ROLE_OFFICE, company)

    def _inverse_csp_head_of_sales_id(self):
        for company in self:
            self.env["csp.process.role"]._csp_set_holder(
                ROLE_HEAD, company, company.csp_head_of_sales_id)

    def _inverse_csp_office_manager_id(self):
        for company in self:
            self.env["csp.process.role"]._csp_set_holder(
                ROLE_OFFICE, company, company.csp_office_manager_id)

    # One inverse per field: while one is written, the others are not
    # readable (the ORM protects the fields of one compute method).
    def _inverse_csp_feasibility_sla_hours(self):
        self._csp_write_target("csp_feasibility_sla_hours")

    def _inverse_csp_fulfilment_sla_days(self):
        self._csp_write_target("csp_fulfilment_sla_days")

    def _inverse_csp_material_sla_hours(self):
        self._csp_write_target("csp_material_sla_hours")

    def _csp_write_target(self, field_name):
        code = TARGET_FIELDS[field_name]
        for company in self:
            value = company[field_name]
            if value != company._csp_target(code):
                self.env["csp.process.target"]._csp_write_current(code, company, value)

    def _csp_target(self, code, day=None):
        """The company's target of the card metric `code` on `day` (today by
        default), or None when no card measures it."""
        self.ensure_one()
        target = self.env["csp.process.metric"]._csp_target_getter(code)
        return target(self, day or fields.Date.context_today(self))

    @api.constrains("csp_min_margin_percent", "csp_overdue_limit")
    def _check_csp_feasibility_rules(self):
        for company in self:
            if not -100.0 < company.csp_min_margin_percent < 100.0:
                raise ValidationError(self.env._(
                    "A minimum margin lies between -100 %% and 100 %% (%(company)s).",
                    company=company.name))
            if company.csp_overdue_limit < 0:
                raise ValidationError(self.env._(
                    "The overdue limit cannot be negative (%(company)s).", company=company.name))

    @api.constrains("resource_calendar_id")
    def _check_csp_calendar_has_hours(self):
        self.resource_calendar_id._check_csp_working_hours()

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["csp.dunning.level"]._csp_create_defaults(companies)
        return companies

    def write(self, vals):
        if (vals and set(vals) <= DUNNING_FIELDS and not self.env.su
                and self.env.user.has_group("account.group_account_invoice")
                and not self.env["res.company"].has_access("write")):
            self.check_access("read")
            if self - self.env.user.company_ids:
                raise AccessError(self.env._("You can only change your companies' dunning."))
            return super(ResCompany, self.sudo()).write(vals)
        if (vals and set(vals) <= PROCESS_TARGET_FIELDS and not self.env.su
                and self.env.user.has_group("customer_service_process.group_process_manager")
                and not self.env["res.company"].has_access("write")):
            # Only the companies he works for.
            self.check_access("read")
            if self - self.env.user.company_ids:
                raise AccessError(self.env._("You can only change the targets of your companies."))
            return super(ResCompany, self.sudo()).write(vals)
        return super().write(vals)

    @api.model
    def _csp_default_survey_for_all(self):
        """At installation: every company asks the default satisfaction survey."""
        survey = self.env.ref("customer_service_process.survey_satisfaction",
                              raise_if_not_found=False)
        if survey:
            self.sudo().search([("csp_survey_id", "=", False)]).write({"csp_survey_id": survey.id})

    def action_csp_targets(self):
        """The targets form of the current company (Configuration → Targets)."""
        company = self.env.company
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Process Targets"),
            "res_model": "res.company",
            "res_id": company.id,
            "view_mode": "form",
            "views": [(self.env.ref("customer_service_process.view_company_process_targets").id,
                       "form")],
            "target": "current",
        }

    def _csp_responsible(self, *users):
        """The first of `users` that is set, else the company's head of
        sales, else the administrator: the last fallback of the process cards'
        responsibility matrix (`csp.process.step._csp_assign`), so that no
        activity is left without someone; override to change it."""
        for user in users:
            if user:
                return user[:1]
        head = self[:1].csp_head_of_sales_id or self.env.company.csp_head_of_sales_id
        return head or self.env.ref("base.user_admin")
