"""The dunning run (subprocess f): every open overdue customer invoice of a
company on a date, the level it reached, one letter per customer at his
highest level, the pauses that kept invoices out.  Computed with one SQL
query and batch creates.  Sending and printing are queued: cron workers do
them in committed batches (csp.batch), the run shows their progress and
tells the user who asked when they are done."""

import logging
from collections import defaultdict
from datetime import timedelta

from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# The columns of _csp_candidates' rows, in order.
CANDIDATE_COLUMNS = (
    "move_id", "partner_id", "currency_id", "amount_residual", "invoice_date_due",
    "level_id", "disputed", "dispute_reason", "move_pause", "partner_pause", "category_pause",
)


class CspDunningRun(models.Model):
    _name = "csp.dunning.run"
    _description = "Dunning Run"
    _inherit = ["mail.thread", "csp.process.owned"]
    _order = "date desc, id desc"
    _csp_process_fields = frozenset({
        "state", "report", "send_user_id", "print_state", "print_user_id", "letters_pdf",
        "letters_pdf_name"})

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True,
        readonly=True)
    date = fields.Date(required=True, default=fields.Date.context_today, readonly=True)
    state = fields.Selection(
        [("draft", "To Review"), ("sending", "Sending"), ("sent", "Sent"),
         ("cancel", "Cancelled")],
        default="draft", required=True, tracking=True, readonly=True)
    automatic = fields.Boolean(readonly=True, help="Made by the daily cron.")
    letter_ids = fields.One2many("csp.dunning.letter", "run_id", string="Letters")
    skip_ids = fields.One2many("csp.dunning.skip", "run_id", string="Skipped", readonly=True)
    letter_count = fields.Integer(compute="_compute_counts")
    skip_count = fields.Integer(compute="_compute_counts")
    report = fields.Text(readonly=True, help="What sending found: fallbacks and failures.")
    letters_pdf = fields.Binary(string="Printed Letters", readonly=True, attachment=True)
    letters_pdf_name = fields.Char(readonly=True)
    send_user_id = fields.Many2one(
        "res.users", string="Sent by", readonly=True, copy=False,
        help="Who pressed Send: the letters go out in his name, and he is told when "
             "they are all sent.")
    send_progress = fields.Char(compute="_compute_progress", string="Sending")
    print_state = fields.Selection(
        [("printing", "Printing"), ("done", "Printed"), ("failed", "Failed")],
        readonly=True, copy=False)
    print_user_id = fields.Many2one("res.users", string="Printed by", readonly=True,
                                    copy=False)
    print_progress = fields.Char(compute="_compute_progress", string="Printing")

    # A company has one run per date (a cancelled one can be redone).
    _company_date_unique = models.UniqueIndex(
        "(company_id, date) WHERE state != 'cancel'",
        "This company already has a dunning run for this date.")

    @api.depends("company_id.name", "date")
    def _compute_name(self):
        for run in self:
            run.name = self.env._("Dunning %(date)s", date=run.date) if run.date else "/"

    @api.depends("letter_ids", "skip_ids")
    def _compute_counts(self):
        for run in self:
            run.letter_count = len(run.letter_ids)
            run.skip_count = len(run.skip_ids)

    @api.depends("state", "print_state", "letter_ids.state", "letter_ids.print_state")
    def _compute_progress(self):
        """*1,200 of 1,747 letters sent*, counted in one grouped query."""
        counts = defaultdict(int)
        runs = self.filtered("id")
        if runs:
            for run, state, print_state, count in self.env["csp.dunning.letter"].sudo() \
                    ._read_group([("run_id", "in", runs.ids)],
                                 ["run_id", "state", "print_state"], ["__count"]):
                counts[run.id, "state", state] += count
                counts[run.id, "print", print_state] += count
        for run in self:
            key = run._origin.id
            sent = counts[key, "state", "sent"] + counts[key, "state", "nothing"]
            failed = counts[key, "state", "failed"]
            total = sent + failed + counts[key, "state", "draft"]
            progress = False
            if run.state in ("sending", "sent") and total:
                progress = self.env._("%(done)s of %(total)s letters sent",
                                      done=sent, total=total)
                if failed:
                    progress += self.env._(", %(count)s failed", count=failed)
            run.send_progress = progress
            printed = counts[key, "print", "printed"]
            failed = counts[key, "print", "failed"]
            total = printed + failed + counts[key, "print", "queued"]
            progress = False
            if run.print_state and total:
                progress = self.env._("%(done)s of %(total)s letters printed",
                                      done=printed, total=total)
                if failed:
                    progress += self.env._(", %(count)s failed", count=failed)
            run.print_progress = progress

    # ------------------------------------------------------------ making it

    @api.model
    def _csp_lock_company(self, company):
        """Runs of one company are made one at a time, whatever the worker or
        server: a second one waits for the first to commit."""
        self.env.cr.execute(SQL("SELECT pg_advisory_xact_lock(%s, %s)", 4711, company.id))

    @api.model
    def _csp_create_run(self, company, date, automatic=False):
        """The draft run of `company` on `date`, computed; an error if the
        company already has one for the date."""
        self._csp_lock_company(company)
        if self.search_count([("company_id", "=", company.id), ("date", "=", date),
                              ("state", "!=", "cancel")]):
            raise UserError(self.env._(
                "%(company)s already has a dunning run for %(date)s.",
                company=company.name, date=date))
        try:
            with self.env.cr.savepoint():
                run = self.create({"company_id": company.id, "date": date,
                                   "automatic": automatic})
        except pg_errors.UniqueViolation:
            raise UserError(self.env._(
                "%(company)s already has a dunning run for %(date)s.",
                company=company.name, date=date)) from None
        run._csp_compute()
        return run

    def _csp_candidates(self, levels):
        """Open overdue customer invoices of the run's company that reached
        at least the first level, with what pauses them, in one query."""
        self.ensure_one()
        cutoff = self.date - timedelta(days=min(levels.mapped("days")))
        self.env["account.move"].flush_model()
        self.env["res.partner"].flush_model()
        self.env.cr.execute(SQL("""
            SELECT m.id, m.commercial_partner_id, m.currency_id, m.amount_residual,
                   m.invoice_date_due, m.csp_dunning_level_id, m.csp_disputed,
                   m.csp_dispute_reason, m.csp_no_dunning_until, p.csp_no_dunning_until,
                   EXISTS (SELECT 1 FROM res_partner_res_partner_category_rel r
                             JOIN res_partner_category c ON c.id = r.category_id
                            WHERE r.partner_id = p.id AND c.csp_no_dunning)
              FROM account_move m
              JOIN res_partner p ON p.id = m.commercial_partner_id
             WHERE m.company_id = %(company)s
               AND m.move_type = 'out_invoice'
               AND m.state = 'posted'
               AND m.payment_state IN ('not_paid', 'partial')
               AND m.amount_residual > 0
               AND m.invoice_date_due <= %(cutoff)s
             ORDER BY m.commercial_partner_id, m.invoice_date_due, m.id
        """, company=self.company_id.id, cutoff=cutoff))
        return self.env.cr.fetchall()

    def _csp_level_reached(self, days_late, level_days):
        """The highest level an invoice `days_late` days late has reached, of
        the company's (days, level) in ascending days; None before the first.
        Override for another rule (per customer, per amount...)."""
        reached = None
        for days, level in level_days:
            if days_late >= days:
                reached = level
        return reached

    def _csp_skip_reason(self, invoice):
        """Why an overdue invoice is not dunned in this run, or None: an open
        complaint disputes it, or dunning is paused for the invoice, the
        customer or his category.  `invoice` has the CANDIDATE_COLUMNS.
        Override to add a reason (call super first)."""
        if invoice["disputed"]:
            return self.env._("Disputed by an open complaint: %(why)s",
                              why=invoice["dispute_reason"] or "")
        if invoice["move_pause"] and invoice["move_pause"] >= self.date:
            return self.env._("No dunning on this invoice until %(date)s",
                              date=invoice["move_pause"])
        if invoice["partner_pause"] and invoice["partner_pause"] >= self.date:
            return self.env._("No dunning for this customer until %(date)s",
                              date=invoice["partner_pause"])
        if invoice["category_pause"]:
            return self.env._("The customer is in a category without dunning")
        return None

    def _prepare_dunning_letter_vals(self, partner_id, level_id):
        """The values of this run's letter to a customer at a level."""
        return {"run_id": self.id, "partner_id": partner_id, "level_id": level_id}

    def _csp_compute(self):
        """Letters, lines and skips of the run, created in three batches."""
        self.ensure_one()
        levels = self.env["csp.dunning.level"].search(
            [("company_id", "=", self.company_id.id)], order="days")
        if not levels:
            raise UserError(self.env._(
                "%(company)s has no dunning levels.", company=self.company_id.name))
        rank = {level.id: index for index, level in enumerate(levels)}
        level_days = [(level.days, level) for level in levels]
        letters = defaultdict(list)
        skips = []
        candidates = self._csp_candidates(levels)
        currencies = {cid: self.env["res.currency"].browse(cid)
                      for cid in {row[2] for row in candidates}}
        fixed_fees = {}

        def fee(level, residual, currency_id):
            # A fixed fee is converted once per level and currency.
            if level.fee_type != "fixed":
                return level._csp_fee(residual)
            key = (level.id, currency_id)
            if key not in fixed_fees:
                fixed_fees[key] = level._csp_fee(residual, currencies[currency_id], self.date)
            return fixed_fees[key]

        for row in candidates:
            invoice = dict(zip(CANDIDATE_COLUMNS, row, strict=True))
            move_id, partner_id = invoice["move_id"], invoice["partner_id"]
            currency_id, residual = invoice["currency_id"], invoice["amount_residual"]
            current_level = invoice["level_id"]
            late = (self.date - invoice["invoice_date_due"]).days
            reached = self._csp_level_reached(late, level_days)
            if reached is None:
                continue
            reason = self._csp_skip_reason(invoice)
            if reason:
                skips.append({"run_id": self.id, "partner_id": partner_id, "move_id": move_id,
                              "reason": reason})
                continue
            new_level = current_level is None or rank.get(current_level, -1) < rank[reached.id]
            letters[partner_id].append({
                "move_id": move_id, "currency_id": currency_id, "amount_residual": residual,
                "days_late": late, "level_id": reached.id if new_level else current_level,
                "new_level": new_level,
                "fee_amount": fee(reached, residual, currency_id) if new_level else 0.0,
            })
        # A letter only when at least one invoice reaches a new level; it
        # shows all the customer's overdue invoices.
        letter_values = []
        line_groups = []
        for partner_id, lines in letters.items():
            advancing = [line for line in lines if line["new_level"]]
            if not advancing:
                continue
            top = max((line["level_id"] for line in advancing), key=lambda lid: rank[lid])
            letter_values.append(self._prepare_dunning_letter_vals(partner_id, top))
            line_groups.append(lines)
        new_letters = self.env["csp.dunning.letter"].create(letter_values)
        self.env["csp.dunning.line"].create([
            dict(line, letter_id=letter.id)
            for letter, lines in zip(new_letters, line_groups, strict=True) for line in lines])
        self.env["csp.dunning.skip"].create(skips)
        new_letters._csp_set_channel()
        return new_letters

    # -------------------------------------------------------------- sending

    def action_send(self):
        """Queue every letter still to send: the run is *Sending* and the
        cron `ir_cron_dunning_send` sends its letters in batches; the user is
        told when they are all sent."""
        self.check_access("write")
        for run in self:
            run._csp_lock_for_send()
            run._csp_queue_send()
        return self._csp_notify_action(self.env._(
            "The letters are being sent in the background. You will be notified when "
            "they are all sent."))

    def _csp_queue_send(self):
        """The process's side of Send (also the daily cron's): the run is
        being sent, in the name of the current user."""
        self.ensure_one()
        self.sudo().write({"state": "sending", "send_user_id": self.env.user.id,
                           "report": False})
        self.env["csp.dunning.letter"]._csp_batch_queue("dunning_send")

    def _csp_lock_for_send(self):
        """A run is sent once: the row lock makes a second sender wait, and
        then find it sent."""
        self.ensure_one()
        self.env.cr.execute(SQL("SELECT id FROM csp_dunning_run WHERE id = %s FOR UPDATE",
                                self.id))
        self.invalidate_recordset(["state", "print_state"])
        if self.state != "draft":
            raise UserError(self.env._("%(run)s was already sent or cancelled.", run=self.name))
        if self.print_state == "printing":
            raise UserError(self.env._(
                "The letters of %(run)s are being printed; send them once they are.",
                run=self.name))

    def _csp_finish_sending(self):
        """Runs being sent whose letters are all done become *Sent*, with
        their report; whoever pressed Send is told.  Called after each batch,
        in its transaction."""
        runs = self.filtered(lambda run: run.state == "sending")
        if not runs:
            return
        queued = {run.id for [run] in self.env["csp.dunning.letter"]._read_group(
            [("run_id", "in", runs.ids), ("state", "=", "draft")], ["run_id"])}
        for run in runs.filtered(lambda run: run.id not in queued):
            letters = run.letter_ids
            failed = letters.filtered(lambda letter: letter.state == "failed")
            problems = [self.env._("%(customer)s: failed (%(error)s)",
                                   customer=letter.partner_id.name, error=letter.error)
                        for letter in failed]
            problems += [f"{letter.partner_id.name}: {letter.fallback_reason}"
                         for letter in letters.filtered(
                             lambda letter: letter.fallback_reason and letter.state in (
                                 "sent", "nothing", "failed"))]
            run.sudo().write({"state": "sent", "report": "\n".join(problems) or False})
            sent = letters.filtered(lambda letter: letter.state in ("sent", "nothing"))
            body = self.env._("%(run)s is sent: %(sent)s of %(total)s letters.",
                              run=run.name, sent=len(sent), total=len(sent | failed))
            if failed:
                body += " " + self.env._(
                    "%(count)s failed: see the report and the letters.", count=len(failed))
            printed = letters.filtered(
                lambda letter: letter.state == "sent" and letter.channel == "letter")
            if printed:
                body += " " + self.env._(
                    "%(count)s letter(s) to print: use Print Letters.", count=len(printed))
            run._csp_tell(run.send_user_id, body, "warning" if failed else "success")

    def _csp_tell(self, user, body, kind="success"):
        """`body` in the run's chatter, to `user` in his inbox (or by e-mail,
        as he chose) and as a notification in his open web client."""
        self.ensure_one()
        partner = user.partner_id if user and not user._is_superuser() else None
        self.sudo().message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_note",
            author_id=self.env.ref("base.partner_root").id,
            partner_ids=partner.ids if partner else [])
        if partner:
            user.sudo()._bus_send("simple_notification", {
                "type": kind, "title": self.name, "message": body, "sticky": True})

    def _csp_notify_action(self, message):
        """The button's answer: a notification, then the form reloaded."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info", "message": message, "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_cancel(self):
        self.check_access("write")
        for run in self:
            if run.state != "draft":
                raise UserError(self.env._("Only a run to review can be cancelled."))
        # Printing stops with it.
        self.letter_ids.filtered(lambda letter: letter.print_state == "queued").sudo().write(
            {"print_state": False})
        self.sudo().write({"state": "cancel", "print_state": False})
        return True

    # ---------------------------------------------------------------- cron

    @api.model
    def _cron_csp_dunning(self):
        """Each company's run of the day, sent at once when the company wants
        it; a company that already has today's run is left alone."""
        for company in self.env["res.company"].search([("csp_dunning_enabled", "=", True)]):
            today = fields.Date.context_today(self.with_company(company))
            if self.search_count([("company_id", "=", company.id), ("date", "=", today),
                                  ("state", "!=", "cancel")]):
                continue
            try:
                with self.env.cr.savepoint():
                    run = self.with_company(company)._csp_create_run(company, today,
                                                                     automatic=True)
                    if company.csp_dunning_auto_send:
                        # The same path as Send: queued, sent by cron workers.
                        run._csp_lock_for_send()
                        run._csp_queue_send()
            except Exception:
                _logger.exception("Dunning run of %s failed", company.name)
