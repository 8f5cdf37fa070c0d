"""The feasibility and profitability check of an order (PROCESS.md b).

A check is run on a quotation, shows its results in a dialog, and once
submitted is either accepted at once (every check passed and the company
accepts such orders automatically) or waits for a process manager, who
approves it (possibly with a new date or prices) or refuses it.  The
decision is the company's answer to the customer.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .csp_cost_guard import COST_VIEWER
from .csp_link import link_from_context, send_private_mail

PROCESS_MANAGER = "customer_service_process.group_process_manager"

VERDICTS = [
    ("feasible", "Feasible"),
    ("conditions", "Feasible with conditions"),
    ("not_feasible", "Not feasible"),
]
STATES = [
    ("draft", "Draft"),
    ("pending", "Waiting for Approval"),
    ("approved", "Approved"),
    ("refused", "Refused"),
    ("cancelled", "Reset"),
]
# Fields that only the check's own methods write (as superuser, after their
# own access checks): nobody sets a state or a decision through the API.
USER_WRITABLE_FIELDS = frozenset({"request_note"})


class CspFeasibilityCheck(models.Model):
    _name = "csp.feasibility.check"
    _description = "Feasibility and Profitability Check"
    _inherit = ["csp.link.mixin"]
    _order = "id desc"
    # The approver's link: /csp/feasibility/<id>/<token>.
    _csp_link_path = "feasibility"

    order_id = fields.Many2one(
        "sale.order", required=True, ondelete="cascade", index=True,
        readonly=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="order_id.partner_id", string="Customer")
    salesperson_id = fields.Many2one(related="order_id.user_id", string="Salesperson")
    currency_id = fields.Many2one(related="order_id.currency_id")
    amount_untaxed = fields.Monetary(related="order_id.amount_untaxed")
    auto_accept = fields.Boolean(related="company_id.csp_feasibility_auto_accept")
    state = fields.Selection(STATES, default="draft", required=True, readonly=True, index=True)

    # The check
    checked_at = fields.Datetime(string="Checked", readonly=True)
    requested_date = fields.Datetime(
        string="Date Asked", readonly=True, help="The delivery date the customer asked for.")
    proposed_date = fields.Date(
        string="Earliest Delivery", readonly=True,
        help="The earliest date the company can deliver the whole order.")
    verdict = fields.Selection(VERDICTS, readonly=True)
    verdict_reason = fields.Text(string="Why", readonly=True)
    result_ids = fields.One2many("csp.feasibility.result", "check_id", string="Results",
                                 readonly=True)
    needs_head_of_sales = fields.Boolean(
        readonly=True, help="The order has a product made to the customer's specification: "
                            "the head of sales decides (source document 003, 5.2.7).")
    margin_percent = fields.Float(
        string="Order Margin (%)", readonly=True, groups=COST_VIEWER, aggregator="avg")
    min_margin_percent = fields.Float(
        string="Minimum Margin (%)", readonly=True, groups=COST_VIEWER)

    # The request
    requested_by_id = fields.Many2one("res.users", string="Requested by", readonly=True)
    requested_at = fields.Datetime(string="Requested", readonly=True)
    request_note = fields.Text(string="Note to the Approver")
    approver_id = fields.Many2one("res.users", readonly=True)
    access_token = fields.Char(
        copy=False, readonly=True, groups="base.group_system",
        help="The sha256 digest of the approver's one-time link token; the token "
             "itself is only in the mail to the approver.")
    sla_deadline = fields.Datetime(related="order_id.csp_sla_deadline", string="Answer Due")
    sla_hours_left = fields.Float(related="order_id.csp_sla_hours_left",
                                  string="Working Hours Left")
    sla_late = fields.Boolean(related="order_id.csp_sla_late", string="Late")
    sla_time_text = fields.Char(related="order_id.csp_sla_time_text", string="Time Left")

    # The decision
    decided_by_id = fields.Many2one("res.users", string="Decided by", readonly=True)
    decided_at = fields.Datetime(string="Decided", readonly=True)
    decision_auto = fields.Boolean(string="Accepted Automatically", readonly=True)
    decision_reason = fields.Text(string="Reason", readonly=True)
    confirmed_date = fields.Date(string="Confirmed Delivery", readonly=True)
    with_conditions = fields.Boolean(
        readonly=True, help="Approved with a new date or new prices: the customer accepts "
                            "them online before the order is confirmed.")
    reset_reason = fields.Char(readonly=True)

    @api.depends("order_id.name", "state")
    def _compute_display_name(self):
        states = dict(self._fields["state"]._description_selection(self.env))
        for check in self:
            check.display_name = self.env._(
                "%(order)s: %(state)s", order=check.order_id.name, state=states[check.state])

    # ------------------------------------------------------------------ CRUD

    def write(self, vals):
        if not self.env.su and set(vals) - USER_WRITABLE_FIELDS:
            raise AccessError(self.env._(
                "A feasibility check changes only through its buttons."))
        return super().write(vals)

    @api.autovacuum
    def _gc_abandoned_drafts(self):
        """Checks opened and never submitted are dropped after a day."""
        limit = fields.Datetime.now() - timedelta(days=1)
        self.sudo().search([("state", "=", "draft"), ("create_date", "<", limit)]).unlink()

    # ------------------------------------------------------------ running it

    @api.model
    def _csp_start(self, orders):
        """A new draft check, already evaluated, for each order (as superuser:
        the caller checked the user's right to the orders)."""
        checks = self.sudo().create([{
            "order_id": order.id,
            "requested_by_id": self.env.uid,
        } for order in orders])
        for check in checks:
            check._csp_evaluate()
        return checks.sudo(False)

    def _csp_evaluate(self):
        """Run every check on the order (csp.feasibility.engine); store the
        results, the verdict and the proposed delivery date."""
        self.ensure_one()
        check = self.sudo()
        engine = self.env["csp.feasibility.engine"].sudo()
        run = engine._csp_run(check)
        self.env["csp.feasibility.result"].sudo()._csp_insert([
            dict(result, check_id=check.id, sequence=index)
            for index, result in enumerate(run.results, start=1)])
        verdict, reason = engine._csp_verdict(run)
        check.write({
            "checked_at": run.now,
            "requested_date": check.order_id.commitment_date,
            "proposed_date": engine._csp_proposed_date(run),
            "verdict": verdict,
            "verdict_reason": reason,
            "needs_head_of_sales": run.needs_head_of_sales,
            "margin_percent": run.order_margin_percent,
            "min_margin_percent": run.company.csp_min_margin_percent,
        })

    # ---------------------------------------------------------- submitting

    def action_submit(self):
        """Send the check on its way: accepted at once when the company's
        rules allow it, otherwise to the approver."""
        self.ensure_one()
        if self.state != "draft":
            raise UserError(self.env._("This check was already submitted."))
        order = self.order_id
        order.check_access("write")
        if order.state not in ("draft", "sent"):
            raise UserError(self.env._(
                "Only a quotation can be checked; %(order)s is already confirmed or cancelled.",
                order=order.name))
        check = self.sudo()
        # A newer request replaces any earlier one.
        order.sudo().csp_check_ids.filtered(
            lambda c: c != check and c.state in ("pending", "approved"))._csp_reset(
            self.env._("replaced by a new check"))
        check.write({"state": "pending", "requested_at": fields.Datetime.now(),
                     "requested_by_id": self.env.uid})
        if check._csp_accepts_automatically():
            check._csp_approve(auto=True)
        else:
            check._csp_request_approval()
        return {"type": "ir.actions.act_window_close"}

    def action_discard(self):
        drafts = self.filtered(lambda c: c.state == "draft")
        drafts.order_id.check_access("write")
        drafts.sudo().unlink()
        return {"type": "ir.actions.act_window_close"}

    def _csp_accepts_automatically(self):
        """Hook: whether the company's rules accept this check without a person."""
        self.ensure_one()
        return (self.verdict == "feasible" and not self.needs_head_of_sales
                and self.company_id.csp_feasibility_auto_accept)

    def _csp_find_approver(self):
        """Hook: who decides.  Whom the cards' step "Approve or refuse an
        order" names (the head of sales, or the role its rules give the order
        to); otherwise a process manager of the company."""
        self.ensure_one()
        head = self.env["csp.process.step"]._csp_assign(
            "approval", self.order_id, own=lambda order: order.user_id,
            company=lambda _order: self.company_id)[self.order_id].user
        candidates = self.env.ref(PROCESS_MANAGER).all_user_ids.filtered(
            lambda u: self.company_id in u.company_ids and not u.share and u.active)
        if head in candidates:
            candidates = head | candidates
        # Four eyes: the requester decides only when the company allows it,
        # and then only when nobody else can.
        others = candidates.filtered(lambda u: u != self.requested_by_id)
        if others or not self.company_id.csp_feasibility_self_approval:
            return others[:1]
        return candidates[:1]

    def _csp_request_approval(self):
        self.ensure_one()
        approver = self._csp_find_approver()
        self.sudo().approver_id = approver
        token = self._csp_new_link_tokens()[self.id]
        order = self.order_id
        verdicts = dict(self._fields["verdict"]._description_selection(self.env))
        if approver:
            order.activity_schedule(
                "customer_service_process.mail_activity_feasibility_approval",
                date_deadline=(order.csp_sla_deadline or fields.Datetime.now()).date(),
                user_id=approver.id,
                summary=self.env._("Approve or refuse: %(verdict)s",
                                   verdict=verdicts[self.verdict]),
                note=self.verdict_reason,
            )
            # To the approver alone and on no thread: whoever reads the order
            # or the check (its requester first) never sees the link.
            send_private_mail("mail_template_feasibility_request", self, approver.partner_id,
                              link=self._csp_link(token))
        order.message_post(body=self.env._(
            "Feasibility check requested by %(user)s: %(verdict)s. Waiting for %(approver)s.",
            user=self.requested_by_id.name, verdict=verdicts[self.verdict],
            approver=approver.name or self.env._("a process manager")))

    # ------------------------------------------------------------ deciding

    def _csp_check_approver(self):
        """Only process managers decide, and only the head of sales on
        non-standard products (when the company has one)."""
        for check in self:
            if check.state != "pending":
                raise UserError(self.env._(
                    "%(check)s is not waiting for a decision.", check=check.display_name))
            if self.env.su:
                continue
            user = self.env.user
            if not user.has_group(PROCESS_MANAGER):
                raise AccessError(self.env._(
                    "Only a process manager can approve or refuse an order."))
            check.check_access("read")
            if (user == check.requested_by_id
                    and not check.company_id.csp_feasibility_self_approval):
                raise AccessError(self.env._(
                    "You requested the check of %(order)s: another process manager decides "
                    "it (four eyes).", order=check.order_id.name))
            head = check.company_id.csp_head_of_sales_id
            if check.needs_head_of_sales and head and user != head:
                raise AccessError(self.env._(
                    "%(order)s has a product made to the customer's specification: only "
                    "the head of sales (%(head)s) decides.",
                    order=check.order_id.name, head=head.name))

    def action_approve(self):
        """Approve as it stands (the approval dialog for a new date or prices)."""
        self._csp_check_approver()
        for check in self:
            check.sudo()._csp_approve()
        return True

    def action_open_decision(self):
        self.ensure_one()
        self._csp_check_approver()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Decide on %(order)s", order=self.order_id.name),
            "res_model": "csp.feasibility.decision",
            "view_mode": "form",
            "target": "new",
            "context": {"default_check_id": self.id},
        }

    def _csp_reset(self, why):
        """The order changed after the check: the approval no longer holds."""
        live = self.filtered(lambda c: c.state in ("pending", "approved"))
        if not live:
            return
        live.sudo().write({"state": "cancelled", "reset_reason": why})
        live._csp_close_approval_activity()
        for order in live.order_id:
            order.sudo().message_post(body=self.env._(
                "The feasibility approval was reset: %(why)s. Check the order again.", why=why))

    # --------------------------------------------------- the approver's link

    def _csp_link_open(self):
        # The approver decides while the check waits for him.
        self.ensure_one()
        return self.state == "pending"

    def _csp_decision_url(self):
        """The approver's link, in the mail being rendered (the record keeps
        only the token's digest)."""
        self.ensure_one()
        return link_from_context(self)
