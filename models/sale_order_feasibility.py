"""The feasibility and profitability check of a quotation (subprocess b):
the check that counts, the gate before confirmation, the approval voided
when the order changes, and the time the company took to answer."""

from odoo import api, fields, models
from odoo.exceptions import UserError

APPROVAL_STATES = [
    ("none", "Not Checked"),
    ("pending", "Waiting for Approval"),
    ("approved", "Approved"),
    ("refused", "Refused"),
]
# Changing any of these on a checked quotation voids its approval.
CHECKED_ORDER_FIELDS = frozenset({
    "order_line", "commitment_date", "pricelist_id", "partner_id", "currency_id",
    "warehouse_id", "company_id",
})


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # The feasibility and profitability check (subprocess b)
    csp_check_ids = fields.One2many(
        "csp.feasibility.check", "order_id", string="Feasibility Checks")
    csp_check_id = fields.Many2one(
        "csp.feasibility.check", string="Feasibility Check", compute="_compute_csp_check_id",
        store=True, help="The check that counts: the latest one submitted and not reset.")
    csp_approval_state = fields.Selection(
        APPROVAL_STATES, string="Feasibility", compute="_compute_csp_check_id", store=True,
        index=True, default="none")
    csp_answer_hours = fields.Float(
        string="Answer Time (working hours)", readonly=True, copy=False, aggregator="avg",
        help="Working hours from the order received to the answer sent to the customer.")
    csp_answer_on_time = fields.Boolean(
        string="Answered on Time", readonly=True, copy=False,
        help="Answered within the company's feasibility target.")

    @api.depends("csp_check_ids.state")
    def _compute_csp_check_id(self):
        for order in self:
            checks = order.csp_check_ids.filtered(
                lambda c: c.state in ("pending", "approved", "refused"))
            latest = checks.sorted("id")[-1:]
            order.csp_check_id = latest
            order.csp_approval_state = latest.state or "none"

    def action_csp_check_feasibility(self):
        """Run the feasibility and profitability check and show its results."""
        self.ensure_one()
        self.check_access("write")
        if self.state not in ("draft", "sent"):
            raise UserError(self.env._("Only a quotation can be checked for feasibility."))
        if not self.order_line.filtered(lambda line: not line.display_type):
            raise UserError(self.env._(
                "Add the products the customer asks for before checking feasibility."))
        check = self.env["csp.feasibility.check"]._csp_start(self)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Feasibility of %(order)s", order=self.name),
            "res_model": "csp.feasibility.check",
            "res_id": check.id,
            "view_mode": "form",
            "views": [(self.env.ref(
                "customer_service_process.csp_feasibility_check_view_form_wizard").id, "form")],
            "target": "new",
        }

    def _csp_check_and_submit(self):
        """Check each quotation and submit the check at once (orders received
        online, imports, automated actions): accepted when the company's
        rules allow it, otherwise sent to the approver."""
        for order in self:
            order.check_access("write")
            check = self.env["csp.feasibility.check"]._csp_start(order)
            check.with_env(self.env).action_submit()
        return True

    def _csp_needs_approval(self):
        """Whether the current user may confirm this order only once its
        feasibility check is approved."""
        self.ensure_one()
        if self.env.user.has_group("customer_service_process.group_field_rep"):
            return True
        return self.company_id.csp_feasibility_required

    def _csp_is_approved(self):
        """Whether the order has an approved feasibility check: read from the
        checks themselves, whose state only their own methods write."""
        self.ensure_one()
        return any(check.state == "approved" for check in self.sudo().csp_check_ids)

    def _csp_check_confirmation_allowed(self):
        if self.env.su:
            return
        for order in self:
            if order._csp_needs_approval() and not order._csp_is_approved():
                raise UserError(self.env._(
                    "%(order)s cannot be confirmed before its feasibility check is approved: "
                    "use Check Feasibility.", order=order.name))

    def _csp_reset_approval_on_change(self, vals):
        """Called by write: changing what the check checked voids it (unless
        the process itself writes, with ``csp_keep_approval``)."""
        changed = CHECKED_ORDER_FIELDS & set(vals)
        if changed and not self.env.context.get("csp_keep_approval"):
            self._csp_reset_approval(
                self.env._("the order changed (%(fields)s)", fields=", ".join(
                    self._fields[name]._description_string(self.env)
                    for name in sorted(changed))))

    def _csp_reset_approval(self, why):
        quotations = self.filtered(lambda o: o.state in ("draft", "sent"))
        checks = quotations.sudo().csp_check_ids.filtered(
            lambda c: c.state in ("pending", "approved"))
        if checks:
            checks._csp_reset(why)

    def _csp_record_answer(self, when):
        """The customer got the company's answer: the feasibility SLA stops,
        after the working hours it took."""
        orders = self.filtered(lambda o: not o.csp_answered_at)
        # The answer to the quotation answers the inquiry it was made from.
        orders.opportunity_id._csp_record_answer(when)
        spent = self.env["resource.calendar"]._csp_work_hours_of(
            [(o, o.csp_received_at or when, when) for o in orders])
        target = self.env["csp.process.metric"]._csp_target_getter("answer_time")
        for order in orders:
            hours = spent[order][0]
            limit = target(order.company_id, (order.csp_received_at or when).date())
            order.sudo().write({
                "csp_answered_at": when,
                "csp_answer_hours": hours,
                "csp_answer_on_time": limit is None or hours <= limit,
            })
