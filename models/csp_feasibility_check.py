"""The feasibility and profitability check of an order (PROCESS.md b).

A check is run on a quotation, shows its results in a dialog, and once
submitted is either accepted at once (every check passed and the company
accepts such orders automatically) or waits for a process manager, who
approves it (possibly with a new date or prices) or refuses it.  The
decision is the company's answer to the customer.
"""

from collections import defaultdict
from datetime import datetime, timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import (
    float_compare,
    float_is_zero,
    float_round,
    format_amount,
    format_date,
)

from .csp_cost_guard import COST_VIEWER
from .csp_link import link_from_context, new_token, send_private_mail, token_matches

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
    _order = "id desc"

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
        """Run every check on the order; store the results, the verdict and
        the proposed delivery date."""
        self.ensure_one()
        check = self.sudo()
        order = check.order_id
        engine = FeasibilityEngine(check, order)
        results = engine.run()
        self.env["csp.feasibility.result"].sudo()._csp_insert([
            dict(result, check_id=check.id, sequence=index)
            for index, result in enumerate(results, start=1)])
        verdict, reason = engine.verdict(results)
        check.write({
            "checked_at": engine.now,
            "requested_date": order.commitment_date,
            "proposed_date": engine.proposed_date(),
            "verdict": verdict,
            "verdict_reason": reason,
            "needs_head_of_sales": engine.needs_head_of_sales,
            "margin_percent": engine.order_margin_percent,
            "min_margin_percent": engine.company_min_margin,
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
        """Hook: who decides.  The head of sales for non-standard products and
        by default; otherwise a process manager of the company."""
        self.ensure_one()
        head = self.company_id.csp_head_of_sales_id
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
        token, digest = new_token()
        self.sudo().write({"approver_id": approver.id, "access_token": digest})
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
            template = self.env.ref(
                "customer_service_process.mail_template_feasibility_request",
                raise_if_not_found=False)
            # To the approver alone and on no thread: whoever reads the order
            # or the check (its requester first) never sees the link.
            send_private_mail(template, self, approver.partner_id,
                              link=f"{self.get_base_url()}/csp/feasibility/{self.id}/{token}")
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

    def _csp_approve(self, auto=False, new_date=False, new_prices=None, reason=False):
        """Record the approval, apply the approver's changes and answer the
        customer: the order is confirmed, or - with a new date or prices, or a
        date later than asked - offered to the customer to accept online."""
        self.ensure_one()
        order = self.order_id.with_context(csp_keep_approval=True)
        now = fields.Datetime.now()
        if new_date == self.proposed_date:
            new_date = False
        changes = []
        if new_prices:
            for line, price in new_prices.items():
                if float_compare(line.price_unit, price,
                                 precision_rounding=order.currency_id.rounding):
                    changes.append(line)
                    line.with_context(csp_keep_approval=True).sudo().price_unit = price
        confirmed = new_date or self.proposed_date
        asked = self.requested_date and self.requested_date.date()
        if asked and confirmed and confirmed < asked:
            confirmed = asked
        later_than_asked = bool(asked and confirmed and confirmed > asked)
        conditions = bool(changes or (new_date and new_date != asked) or later_than_asked)
        self.write({
            "state": "approved",
            "decided_by_id": False if auto else self.env.uid,
            "decided_at": now,
            "decision_auto": auto,
            "decision_reason": reason,
            "confirmed_date": confirmed,
            "with_conditions": conditions,
        })
        if confirmed:
            order.sudo().commitment_date = datetime.combine(
                confirmed, (self.requested_date or now).time())
        self._csp_close_approval_activity()
        who = self.env._("automatically") if auto else self.env.user.name
        order.message_post(body=self.env._(
            "Feasibility approved %(who)s; delivery date %(date)s.%(conditions)s",
            who=who, date=format_date(self.env, confirmed) if confirmed else "-",
            conditions=self.env._(" The customer accepts the new terms online.")
            if conditions else ""))
        self._csp_notify_requester()
        if conditions:
            order.sudo().write({"require_signature": True})
            self._csp_answer("customer_service_process.mail_template_answer_conditions")
            if order.state == "draft":
                order.sudo().write({"state": "sent"})
        else:
            self._csp_answer("customer_service_process.mail_template_answer_accepted")
            # Confirmed as the decider (a rep's auto-accepted order as the rep),
            # with his rights; the guard in action_confirm sees the approval.
            # An order accepted online is confirmed by the system.
            as_user = order.sudo(False)
            (as_user if as_user.has_access("write") else order.sudo()).action_confirm()

    def _csp_refuse(self, reason):
        self.ensure_one()
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the order is refused: the customer is told."))
        self.write({
            "state": "refused",
            "decided_by_id": self.env.uid,
            "decided_at": fields.Datetime.now(),
            "decision_reason": reason.strip(),
        })
        self._csp_close_approval_activity()
        order = self.order_id.sudo()
        order.message_post(body=self.env._(
            "Order refused by %(user)s: %(reason)s", user=self.env.user.name,
            reason=self.decision_reason))
        self._csp_notify_requester()
        self._csp_answer("customer_service_process.mail_template_answer_refused")
        order.with_context(disable_cancel_warning=True)._action_cancel()

    def _csp_answer(self, template_xmlid):
        """Send the customer the company's answer, once, and record when."""
        order = self.order_id.sudo()
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if template:
            order.with_context(csp_keep_approval=True).message_post_with_source(
                template,
                email_layout_xmlid="mail.mail_notification_layout_with_responsible_signature",
                subtype_xmlid="mail.mt_comment",
            )
        order._csp_record_answer(fields.Datetime.now())

    def _csp_close_approval_activity(self):
        self.order_id.sudo().activity_feedback(
            ["customer_service_process.mail_activity_feasibility_approval"],
            feedback=self.env._("Decided."))

    def _csp_notify_requester(self):
        """The requester hears of a person's decision (chatter + activity)."""
        requester = self.requested_by_id
        if not requester or requester == self.decided_by_id or self.decision_auto:
            return
        states = dict(self._fields["state"]._description_selection(self.env))
        self.order_id.sudo().activity_schedule(
            "customer_service_process.mail_activity_feasibility_decision",
            date_deadline=fields.Date.context_today(self),
            user_id=requester.id,
            summary=self.env._("Feasibility %(state)s", state=states[self.state]),
            note=self.decision_reason or "",
        )

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

    @api.model
    def _csp_from_token(self, check_id, token, used=False):
        """The pending check the link points to, or nothing at all.  With
        `used`, also once decided or reset: the digest stays (the state says
        the link is used) so that the page can say what happened."""
        check = self.sudo().browse(int(check_id)).exists()
        if not check or not token_matches(check.access_token, token):
            return self.browse()
        if not used and check.state != "pending":
            return self.browse()
        return check

    def _csp_decision_url(self):
        """The approver's link, in the mail being rendered (the record keeps
        only the token's digest)."""
        self.ensure_one()
        return link_from_context(self)

RESULT_FIGURES = {
    "figures": False, "cost_figures": False, "ordered_qty": 0.0, "free_qty": 0.0,
    "forecast_qty": 0.0, "earliest_date": False, "unit_cost": 0.0, "margin_percent": 0.0,
    "min_margin_percent": 0.0,
}


class FeasibilityEngine:
    """The checks of one order, reading everything it needs in batches: the
    number of queries does not depend on the number of lines."""

    def __init__(self, check, order):
        self.check = check
        self.order = order
        self.env = check.env
        self._ = self.env._
        self.company = order.company_id
        self.calendar = self.company.resource_calendar_id
        self.warehouse = order.warehouse_id
        self.now = fields.Datetime.now()
        self.asked = order.commitment_date
        self.needs_head_of_sales = False
        self.order_margin_percent = 0.0
        self.company_min_margin = self.company.csp_min_margin_percent
        self.earliest = []  # (start, working hours) of each line's delivery
        self.planned = []  # and the date each gets
        self.boms = {}  # product: its bill of materials

    # ---------------------------------------------------------------- helpers

    def result(self, kind, status, reason, line=None, **figures):
        # Every result has every column: they are inserted in one statement.
        values = dict(RESULT_FIGURES, kind=kind, status=status, reason=reason,
                      order_line_id=line.id if line else False,
                      product_id=line.product_id.id if line else False)
        values.update(figures)
        return values

    def date_text(self, moment):
        return format_date(self.env, moment) if moment else "-"

    def qty_text(self, qty, uom):
        return f"{float_round(qty, precision_rounding=uom.rounding or 0.01):g} {uom.name}"

    def plan(self):
        """Each line's earliest date from its (start, working hours), in one
        calendar computation."""
        if not self.earliest:
            return []
        if not self.calendar:
            return [start + timedelta(days=hours / 8.0) for start, hours in self.earliest]
        return self.calendar._csp_plan_hours_batch(
            [hours for _s, hours in self.earliest], [start for start, _h in self.earliest])

    def proposed_date(self):
        dates = [d for d in self.planned if d]
        return max(dates).date() if dates else self.now.date()

    # ----------------------------------------------------------------- run

    def run(self):
        lines = self.order.order_line.filtered(
            lambda line: not line.display_type and not line.is_downpayment)
        results = self.check_order(lines)
        if not lines or not self.warehouse:
            return results
        valid = lines.filtered(lambda line: line.product_id and line.product_uom_qty > 0)
        for line in lines - valid:
            results.append(self.result(
                "order", "fail",
                self._("The quantity must be more than zero.") if line.product_id
                else self._("The line has no product."), line))
        line_results, pending = self.check_supply(valid)
        results += self.finish_supply(line_results, pending)
        results += self.check_profitability(valid)
        results += self.check_customer()
        results += self.check_non_standard(valid)
        return results

    def verdict(self, results):
        failed = [r for r in results if r["status"] == "fail"]
        conditions = [r for r in results if r["status"] == "warning"]
        if failed:
            return "not_feasible", "\n".join(dict.fromkeys(r["reason"] for r in failed))
        if conditions:
            return "conditions", "\n".join(dict.fromkeys(r["reason"] for r in conditions))
        return "feasible", self._("Every check passed.")

    # --------------------------------------------------------------- order

    def check_order(self, lines):
        results = []
        if not lines:
            results.append(self.result("order", "fail", self._("The order has no lines.")))
        if not self.warehouse:
            results.append(self.result(
                "order", "fail",
                self._("The order has no warehouse: stock and dates cannot be checked.")))
        if not self.calendar:
            results.append(self.result(
                "order", "warning",
                self._("The company has no working schedule: dates are counted in calendar "
                       "days.")))
        if self.asked and self.asked < self.now:
            results.append(self.result(
                "order", "warning",
                self._("The date asked (%(date)s) is in the past.",
                       date=self.date_text(self.asked))))
            self.asked = None
        return results

    # ---------------------------------------------------- stock and production

    def check_supply(self, lines):
        """Stock, and production or purchase of what stock does not cover.
        Returns the results known now and, per line, what its earliest date
        waits for (planned on the calendar in one go afterwards)."""
        self.read_supply(lines)
        results, pending = [], []
        for line in lines:
            self.supply_line(line, results, pending)
        return results, pending

    def read_supply(self, lines):
        """Everything the supply checks read, in batches."""
        env = self.env
        products = lines.product_id
        storable = products.filtered("is_storable")
        self.quantities = {}
        if storable:
            self.quantities = storable.with_context(warehouse_id=self.warehouse.id)\
                ._compute_quantities_dict(None, None, None, to_date=self.asked or False)
        self.boms = env["mrp.bom"]._bom_find(
            products, company_id=self.company.id, bom_type="normal")
        self.mto = env.ref("stock.route_warehouse0_mto", raise_if_not_found=False)
        components = env["mrp.bom"].concat(*self.boms.values()).bom_line_ids.product_id \
            if self.boms else env["product.product"]
        self.component_quantities = {}
        component_storable = components.filtered("is_storable")
        if component_storable:
            self.component_quantities = component_storable.with_context(
                warehouse_id=self.warehouse.id)._compute_quantities_dict(None, None, None)
        self.component_boms = env["mrp.bom"]._bom_find(
            components, company_id=self.company.id, bom_type="normal") if components else {}
        self.load = self.workcenter_load(self.boms)
        self.needed = defaultdict(float)
        for line in lines:
            self.needed[line.product_id] += line.product_uom_id._compute_quantity(
                line.product_uom_qty, line.product_id.uom_id, raise_if_failure=False)

    def supply_line(self, line, results, pending):
        product = line.product_id
        need = self.needed[product]
        uom = product.uom_id
        if not product.is_storable:
            results.append(self.result(
                "stock", "pass", self._("Not kept in stock: nothing to check."), line))
            pending.append((line, self.now, 0.0, product.sale_delay, None))
            return
        qty = self.quantities.get(product.id, {})
        free = qty.get("free_qty", 0.0)
        forecast = qty.get("virtual_available", 0.0)
        figures = self._("free %(free)s of %(need)s ordered; forecast %(when)s: %(forecast)s",
                         free=self.qty_text(free, uom), need=self.qty_text(need, uom),
                         when=self.date_text(self.asked) if self.asked else self._("now"),
                         forecast=self.qty_text(forecast, uom))
        stock_values = {"ordered_qty": need, "free_qty": free, "forecast_qty": forecast,
                        "figures": figures}
        bom = self.boms.get(product)
        routes = product.route_ids | product.categ_id.total_route_ids
        if self.mto and self.mto in routes and bom:
            results.append(self.result(
                "stock", "pass", self._("Made to order: produced for this order."), line,
                **stock_values))
            to_make = line.product_uom_id._compute_quantity(
                line.product_uom_qty, uom, raise_if_failure=False)
        elif float_compare(free, need, precision_rounding=uom.rounding) >= 0:
            results.append(self.result(
                "stock", "pass", self._("In stock."), line, **stock_values))
            pending.append((line, self.now, 0.0, product.sale_delay, None))
            return
        elif bom:
            to_make = need - max(free, 0.0)
            results.append(self.result(
                "stock", "pass",
                self._("Short of %(short)s in stock: it is manufactured.",
                       short=self.qty_text(to_make, uom)), line, **stock_values))
        else:
            short = need - max(free, 0.0)
            delay = self.vendor_delay(product)
            if delay is None:
                results.append(self.result(
                    "stock", "fail",
                    self._("Not enough in stock (short of %(short)s), and it can be "
                           "neither manufactured (no bill of materials) nor bought "
                           "(no vendor).", short=self.qty_text(short, uom)),
                    line, **stock_values))
                return
            results.append(self.result(
                "stock", "pass",
                self._("Short of %(short)s in stock: bought from the vendor in "
                       "%(days)s days.", short=self.qty_text(short, uom), days=delay),
                line, **stock_values))
            pending.append((line, self.now + timedelta(days=delay), 0.0,
                            product.sale_delay, None))
            return
        if not bom:
            results.append(self.result(
                "production", "fail",
                self._("Made to order, but it has no bill of materials."), line))
            return
        pending.append(self.production(line, bom, to_make))

    def vendor_delay(self, product):
        sellers = product.seller_ids.filtered(
            lambda s: not s.company_id or s.company_id == self.company)
        sellers = sellers.filtered(lambda s: not s.product_id or s.product_id == product)
        return min(sellers.mapped("delay")) if sellers else None

    def workcenter_load(self, boms):
        """Hours of work already planned on the work centres of the BoMs."""
        if not boms:
            return {}
        workcenters = self.env["mrp.bom"].concat(*boms.values()).operation_ids.workcenter_id
        if not workcenters:
            return {}
        rows = self.env["mrp.workorder"].sudo()._read_group(
            [("workcenter_id", "in", workcenters.ids), ("state", "not in", ("done", "cancel"))],
            ["workcenter_id"], ["duration_expected:sum", "duration:sum"])
        return {wc: max(expected - done, 0.0) / 60.0 for wc, expected, done in rows}

    def production(self, line, bom, quantity):
        """What manufacturing `quantity` of the line's product waits for."""
        product = line.product_id
        uom = product.uom_id
        bom_qty = bom.product_uom_id._compute_quantity(
            bom.product_qty, uom, raise_if_failure=False) or 1.0
        factor = quantity / bom_qty
        wait_days, missing, impossible = 0, [], []
        for bom_line in bom.bom_line_ids:
            if bom_line._skip_bom_line(product):
                continue
            component = bom_line.product_id
            if not component.is_storable:
                continue
            need = bom_line.product_uom_id._compute_quantity(
                bom_line.product_qty * factor, component.uom_id, raise_if_failure=False)
            free = self.component_quantities.get(component.id, {}).get("free_qty", 0.0)
            if float_compare(free, need, precision_rounding=component.uom_id.rounding) >= 0:
                continue
            delay = self.vendor_delay(component)
            sub_bom = self.component_boms.get(component)
            if delay is None and sub_bom:
                delay = sub_bom.produce_delay + sub_bom.days_to_prepare_mo
            if delay is None:
                impossible.append(component.display_name)
                continue
            missing.append(self._("%(component)s (short %(short)s, %(days)s days)",
                                  component=component.display_name,
                                  short=self.qty_text(need - max(free, 0.0), component.uom_id),
                                  days=delay))
            wait_days = max(wait_days, delay)
        own_hours = 0.0
        queue_hours = 0.0
        for operation in bom.operation_ids:
            if operation._skip_operation_line(product):
                continue
            efficiency = (operation.workcenter_id.time_efficiency or 100.0) / 100.0
            own_hours += operation.time_cycle_manual * factor / 60.0 / efficiency
            queue_hours = max(queue_hours, self.load.get(operation.workcenter_id, 0.0))
        lead_days = bom.produce_delay + bom.days_to_prepare_mo
        hours_per_day = self.calendar.hours_per_day or 8.0
        work_hours = lead_days * hours_per_day + queue_hours + own_hours
        info = {
            "bom": bom, "missing": missing, "impossible": impossible, "wait_days": wait_days,
            "lead_days": lead_days, "queue_hours": queue_hours, "own_hours": own_hours,
        }
        return (line, self.now + timedelta(days=wait_days), work_hours, product.sale_delay, info)

    def finish_supply(self, results, pending):
        """Turn each line's planned date into its production and date results."""
        self.earliest = [(start, hours) for _l, start, hours, _d, _i in pending]
        planned = self.plan()
        final = []
        for (line, _start, _hours, sale_delay, info), planned_at in zip(
                pending, planned, strict=True):
            ready = planned_at and planned_at + timedelta(days=sale_delay or 0)
            final.append(ready)
            late = bool(self.asked and ready and ready.date() > self.asked.date())
            if info is not None:
                if info["impossible"]:
                    results.append(self.result(
                        "production", "fail",
                        self._("Components can be neither taken from stock nor bought: "
                               "%(components)s.", components=", ".join(info["impossible"])),
                        line, earliest_date=ready and ready.date()))
                    continue
                figures = self._(
                    "BoM %(bom)s; components to get: %(missing)s; manufacturing lead time "
                    "%(lead)s working days; work centres already loaded %(queue)s h, this "
                    "order %(own)s h",
                    bom=info["bom"].display_name, missing=", ".join(info["missing"]) or "-",
                    lead=info["lead_days"], queue=round(info["queue_hours"], 1),
                    own=round(info["own_hours"], 1))
                if late:
                    reason = self._("Can be made by %(date)s, later than the date asked "
                                    "(%(asked)s).", date=self.date_text(ready),
                                    asked=self.date_text(self.asked))
                else:
                    reason = self._("Can be made by %(date)s.", date=self.date_text(ready))
                results.append(self.result(
                    "production", "warning" if late else "pass", reason, line,
                    earliest_date=ready and ready.date(), figures=figures))
            elif late:
                results.append(self.result(
                    "stock", "warning",
                    self._("Can be delivered by %(date)s, later than the date asked "
                           "(%(asked)s).", date=self.date_text(ready),
                           asked=self.date_text(self.asked)),
                    line, earliest_date=ready.date()))
        self.planned = final
        return results

    # ------------------------------------------------------------ margins

    def unit_costs(self, lines):
        """Cost of one unit of each product, in the company's currency: the
        BoM's components and operations for manufactured products, otherwise
        the product's cost."""
        products = lines.product_id
        boms = self.boms
        costs = {}
        for product in products:
            bom = boms.get(product)
            if not bom:
                costs[product] = product.standard_price
                continue
            bom_qty = bom.product_uom_id._compute_quantity(
                bom.product_qty, product.uom_id, raise_if_failure=False) or 1.0
            total = 0.0
            for bom_line in bom.bom_line_ids:
                if bom_line._skip_bom_line(product):
                    continue
                qty = bom_line.product_uom_id._compute_quantity(
                    bom_line.product_qty, bom_line.product_id.uom_id, raise_if_failure=False)
                total += qty * bom_line.product_id.standard_price
            for operation in bom.operation_ids:
                if operation._skip_operation_line(product):
                    continue
                total += operation.time_cycle_manual / 60.0 * operation.workcenter_id.costs_hour
            costs[product] = total / bom_qty if total else product.standard_price
        return costs

    def check_profitability(self, lines):
        if not lines:
            return []
        order = self.order
        company_currency = self.company.currency_id
        date = order.date_order or self.now
        costs = self.unit_costs(lines)
        results = []
        revenue_total = cost_total = 0.0
        # The cost figures in words go to a field of the cost viewers, like
        # the numbers: whoever ran the check, a rep never reads them.
        for line in lines:
            product = line.product_id
            quantity = line.product_uom_id._compute_quantity(
                line.product_uom_qty, product.uom_id, raise_if_failure=False)
            revenue = order.currency_id._convert(
                line.price_subtotal, company_currency, self.company, date, round=False)
            unit_cost = costs.get(product, 0.0)
            cost = unit_cost * quantity
            revenue_total += revenue
            cost_total += cost
            minimum = product.categ_id._csp_min_margin_percent(self.company)
            figures = {"unit_cost": unit_cost, "min_margin_percent": minimum}
            if product.type == "service" and float_is_zero(unit_cost, precision_digits=6):
                results.append(self.result(
                    "profitability", "pass", self._("A service without cost."), line))
                continue
            if float_is_zero(unit_cost, precision_digits=6):
                results.append(self.result(
                    "profitability", "warning",
                    self._("%(product)s has no cost: its margin cannot be checked.",
                           product=product.display_name), line, **figures))
                continue
            margin_percent = (revenue - cost) / revenue * 100.0 if revenue else -100.0
            figures["margin_percent"] = margin_percent
            if revenue < cost:
                reason = self._("Sold below its cost.")
                status = "fail"
            elif margin_percent < minimum:
                reason = self._("The margin is below the minimum for %(category)s.",
                                category=product.categ_id.display_name)
                status = "warning"
            else:
                reason = self._("The margin reaches the minimum.")
                status = "pass"
            figures["cost_figures"] = self._(
                "price %(price)s, cost %(cost)s, margin %(margin)s %% (minimum %(min)s %%)",
                price=round(revenue / quantity if quantity else 0.0, 2),
                cost=round(unit_cost, 2), margin=round(margin_percent, 1), min=minimum)
            results.append(self.result("profitability", status, reason, line, **figures))
        if revenue_total:
            self.order_margin_percent = (revenue_total - cost_total) / revenue_total * 100.0
            if self.order_margin_percent < self.company_min_margin:
                results.append(self.result(
                    "profitability", "warning",
                    self._("The order's margin is below the company's minimum."),
                    margin_percent=self.order_margin_percent,
                    min_margin_percent=self.company_min_margin))
        return results

    # ----------------------------------------------------------- customer

    def check_customer(self):
        partner = self.order.partner_id.commercial_partner_id
        company = self.company
        results = []
        blocked = self.env["res.partner"]._csp_blocking_reasons(partner, company)
        for reason in blocked.get(partner, []):
            results.append(self.result("customer", "fail", reason))
        currency = company.currency_id
        overdue = self.env["res.partner"]._csp_overdue_amounts(partner, company).get(partner, 0.0)
        limit = company.csp_overdue_limit
        if float_compare(overdue, limit, precision_rounding=currency.rounding) > 0:
            results.append(self.result(
                "customer", "fail",
                self._("%(customer)s has %(overdue)s overdue, above the limit of %(limit)s.",
                       customer=partner.name,
                       overdue=self.money(overdue), limit=self.money(limit)),
                figures=self._("overdue %(overdue)s", overdue=self.money(overdue))))
        if company.account_use_credit_limit:
            credit_partner = partner.sudo().with_company(company)
            credit_limit = credit_partner.credit_limit
            if credit_limit:
                amount = self.order.currency_id._convert(
                    self.order.amount_total, currency, company,
                    self.order.date_order or self.now, round=False)
                exposure = credit_partner.credit + credit_partner.credit_to_invoice + amount
                if float_compare(exposure, credit_limit, precision_rounding=currency.rounding) > 0:
                    results.append(self.result(
                        "customer", "fail",
                        self._("With this order %(customer)s would owe %(exposure)s, above "
                               "the credit limit of %(limit)s.", customer=partner.name,
                               exposure=self.money(exposure), limit=self.money(credit_limit))))
        if not results:
            results.append(self.result(
                "customer", "pass", self._("No overdue invoices above the limit, credit "
                                           "limit respected."),
                figures=self._("overdue %(overdue)s", overdue=self.money(overdue))))
        return results

    def money(self, amount):
        return format_amount(self.env, amount, self.company.currency_id)

    # ------------------------------------------------------- non-standard

    def check_non_standard(self, lines):
        special = lines.filtered(lambda line: line.product_id.is_non_standard)
        self.needs_head_of_sales = bool(special)
        return [self.result(
            "non_standard", "warning",
            self._("Made to the customer's specification: the head of sales decides."), line)
            for line in special]
