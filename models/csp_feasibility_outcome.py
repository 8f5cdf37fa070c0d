"""What a feasibility decision does: an approval writes the approver's
prices and the promised date and either confirms the order or offers the
customer the new terms; a refusal cancels it; either way the customer gets
the company's answer, once, and the requester hears of it."""

from datetime import datetime

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, format_date


class CspFeasibilityCheck(models.Model):
    _inherit = "csp.feasibility.check"

    def _csp_approve(self, auto=False, new_date=False, new_prices=None, reason=False):
        """Record the approval, apply the approver's changes and answer the
        customer: the order is confirmed, or - with a new date or prices, or a
        date later than asked - offered to the customer to accept online."""
        self.ensure_one()
        order = self.order_id.with_context(csp_keep_approval=True)
        if new_date == self.proposed_date:
            new_date = False
        changed = self._csp_apply_new_prices(new_prices)
        confirmed = self._csp_confirmed_date(new_date)
        asked = self.requested_date and self.requested_date.date()
        conditions = bool(changed or (new_date and new_date != asked)
                          or (asked and confirmed and confirmed > asked))
        self.write(self._prepare_approval_vals(auto, reason, confirmed, conditions))
        if confirmed:
            order.sudo().commitment_date = datetime.combine(
                confirmed, (self.requested_date or self.decided_at).time())
        self._csp_close_approval_activity()
        who = self.env._("automatically") if auto else self.env.user.name
        order.message_post(body=self.env._(
            "Feasibility approved %(who)s; delivery date %(date)s.%(conditions)s",
            who=who, date=format_date(self.env, confirmed) if confirmed else "-",
            conditions=self.env._(" The customer accepts the new terms online.")
            if conditions else ""))
        self._csp_notify_requester()
        if conditions:
            self._csp_offer_new_terms()
        else:
            self._csp_confirm_approved()

    def _csp_apply_new_prices(self, new_prices):
        """The approver's prices ({order line: unit price}) written on the
        order; returns the lines whose price changed."""
        changed = self.env["sale.order.line"]
        rounding = self.order_id.currency_id.rounding
        for line, price in (new_prices or {}).items():
            if float_compare(line.price_unit, price, precision_rounding=rounding):
                changed |= line
                line.with_context(csp_keep_approval=True).sudo().price_unit = price
        return changed

    def _csp_confirmed_date(self, new_date):
        """The delivery date promised to the customer: the approver's new
        date, else the proposed one, never earlier than the date he asked.
        Override for another promise (a safety margin...)."""
        confirmed = new_date or self.proposed_date
        asked = self.requested_date and self.requested_date.date()
        if asked and confirmed and confirmed < asked:
            confirmed = asked
        return confirmed

    def _prepare_approval_vals(self, auto, reason, confirmed, conditions):
        """The values an approval writes on the check."""
        return {
            "state": "approved",
            "decided_by_id": False if auto else self.env.uid,
            "decided_at": fields.Datetime.now(),
            "decision_auto": auto,
            "decision_reason": reason,
            "confirmed_date": confirmed,
            "with_conditions": conditions,
        }

    def _csp_offer_new_terms(self):
        """Approved on new terms: the customer accepts them online (signs)."""
        order = self.order_id.with_context(csp_keep_approval=True).sudo()
        order.write({"require_signature": True})
        self._csp_answer("mail_template_answer_conditions")
        if order.state == "draft":
            order.write({"state": "sent"})

    def _csp_confirm_approved(self):
        """Approved as asked: the customer is told and the order confirmed,
        as the decider (a rep's auto-accepted order as the rep), with his
        rights; the guard in action_confirm sees the approval.  An order
        accepted online is confirmed by the system."""
        self._csp_answer("mail_template_answer_accepted")
        order = self.order_id.with_context(csp_keep_approval=True)
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
        self._csp_answer("mail_template_answer_refused")
        order.with_context(disable_cancel_warning=True)._action_cancel()

    def _csp_answer(self, template):
        """Send the customer the company's answer, once, and record when."""
        order = self.order_id.sudo()
        order.with_context(csp_keep_approval=True)._csp_post_template(template)
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
