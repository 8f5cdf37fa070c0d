"""Delivery follow-up: a reminder to a customer who did not confirm his
delivery, and the automatic confirmation once the company's days have
passed, both by cron workers in batches."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain

from .csp_link import mail_template, send_private_mail


class StockPicking(models.Model):
    _inherit = "stock.picking"

    # ---------------------------------------------------------------- cron
    # Reminders and automatic confirmations are done by cron workers in
    # committed batches (the jobs "delivery_remind" and "delivery_autoconfirm"
    # of csp.batch): a delivery waiting for its customer is due once it was
    # shipped the company's number of days ago; reminding it writes
    # `csp_reminded_at`, confirming it its confirmation: either takes it out
    # of the job's domain in the transaction of its mail and messages.

    @api.model
    def _cron_csp_delivery_followup(self):
        """Both jobs, for a database whose cron (noupdate) still calls this
        method."""
        self._csp_batch_run("delivery_autoconfirm")
        return self._csp_batch_run("delivery_remind")

    @api.model
    def _csp_followup_domain(self, job):
        now = fields.Datetime.now()
        companies = self.env["res.company"].sudo().search([
            "|", ("csp_delivery_reminder_days", ">", 0), ("csp_delivery_autoconfirm_days", ">", 0)])
        waiting = [("csp_delivery_state", "in", ("shipped", "delivered")),
                   ("csp_shipped_at", "!=", False), ("csp_followup_error", "=", False)]
        if job == "delivery_autoconfirm":
            return list(Domain.AND([waiting, Domain.OR([
                [("company_id", "=", company.id), ("csp_shipped_at", "<=", now - timedelta(
                    days=company.csp_delivery_autoconfirm_days))]
                for company in companies.filtered("csp_delivery_autoconfirm_days")])]))
        per_company = []
        for company in companies.filtered("csp_delivery_reminder_days"):
            due = [("company_id", "=", company.id), ("csp_shipped_at", "<=", now - timedelta(
                days=company.csp_delivery_reminder_days))]
            if company.csp_delivery_autoconfirm_days:
                # Old enough to be confirmed: confirmed, not reminded.
                due.append(("csp_shipped_at", ">", now - timedelta(
                    days=company.csp_delivery_autoconfirm_days)))
            per_company.append(due)
        return list(Domain.AND([waiting, [("csp_reminded_at", "=", False)],
                                Domain.OR(per_company)]))

    def _csp_remind_delivery(self):
        """A reminder to each customer, with a new link (the raw token of the
        first one is nowhere to be found): the first link stops working."""
        reminder = mail_template(self.env, "mail_template_delivery_reminder")
        pickings = self.sudo()
        if reminder:
            for picking in pickings:
                token = picking._csp_new_link_tokens()[picking.id]
                send_private_mail(reminder, picking, picking.partner_id,
                                  link=picking._csp_link(token))
        pickings.write({"csp_reminded_at": fields.Datetime.now()})
        pickings._message_log_batch({picking.id: self.env._(
            "Reminder sent: the customer has not confirmed the delivery yet.")
            for picking in pickings})
        return self

    def _csp_auto_confirm(self):
        """Deliveries the customer did not answer in time are confirmed
        automatically: all in one write, their messages logged together."""
        self._csp_check_confirmable()
        pickings = self.sudo()
        pickings.write({
            "csp_confirmed_at": fields.Datetime.now(), "csp_confirmed_by": False,
            "csp_confirmation_channel": "auto", "csp_confirmed_user_id": False,
            "csp_signature": False,
        })
        channels = dict(self._fields["csp_confirmation_channel"]._description_selection(
            self.env))
        bodies = {}
        for picking in pickings:
            body = self.env._("Delivery confirmed (%(channel)s)%(by)s.",
                              channel=channels["auto"], by="")
            if picking.csp_remarks:
                body += " " + self.env._("Remarks: %(remarks)s", remarks=picking.csp_remarks)
            bodies[picking] = body
        pickings._message_log_batch({picking.id: body for picking, body in bodies.items()})
        # One message per delivery on its order: an order with several
        # deliveries confirmed here gets one in each round.
        rounds, count = [], {}
        for picking, body in bodies.items():
            if picking.sale_id:
                step = count[picking.sale_id.id] = count.get(picking.sale_id.id, -1) + 1
                if step == len(rounds):
                    rounds.append({})
                rounds[step][picking.sale_id.id] = self.env._(
                    "%(delivery)s: %(body)s", delivery=picking.name, body=body)
        for texts in rounds:
            self.env["sale.order"].sudo().browse(list(texts))._message_log_batch(texts)
        return self

    @api.model
    def _csp_batch_domain(self, job):
        if job in ("delivery_remind", "delivery_autoconfirm"):
            return self._csp_followup_domain(job)
        return super()._csp_batch_domain(job)

    def _csp_batch_process(self, job):
        if job == "delivery_remind":
            return self._csp_remind_delivery()
        if job == "delivery_autoconfirm":
            return self._csp_auto_confirm()
        return super()._csp_batch_process(job)

    def _csp_batch_failed(self, job, error):
        if job not in ("delivery_remind", "delivery_autoconfirm"):
            return super()._csp_batch_failed(job, error)
        self._csp_batch_log_failure({"csp_followup_error": str(error)}, self.env._(
            "The delivery could not be followed up automatically: %(error)s", error=str(error)))
        return None
