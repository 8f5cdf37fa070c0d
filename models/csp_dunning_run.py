"""The dunning run (subprocess f): every open overdue customer invoice of a
company on a date, the level it reached, one letter per customer at his
highest level, the pauses that kept invoices out.  Computed with one SQL
query and batch creates; sent letter by letter, each in its own savepoint."""

import base64
import logging
from collections import defaultdict
from datetime import timedelta

from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


class CspDunningRun(models.Model):
    _name = "csp.dunning.run"
    _description = "Dunning Run"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True,
        readonly=True)
    date = fields.Date(required=True, default=fields.Date.context_today, readonly=True)
    state = fields.Selection(
        [("draft", "To Review"), ("sent", "Sent"), ("cancel", "Cancelled")],
        default="draft", required=True, tracking=True, readonly=True)
    automatic = fields.Boolean(readonly=True, help="Made by the daily cron.")
    letter_ids = fields.One2many("csp.dunning.letter", "run_id", string="Letters")
    skip_ids = fields.One2many("csp.dunning.skip", "run_id", string="Skipped", readonly=True)
    letter_count = fields.Integer(compute="_compute_counts")
    skip_count = fields.Integer(compute="_compute_counts")
    report = fields.Text(readonly=True, help="What sending found: fallbacks and failures.")
    letters_pdf = fields.Binary(string="Printed Letters", readonly=True, attachment=True)
    letters_pdf_name = fields.Char(readonly=True)

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

        for (move_id, partner_id, currency_id, residual, due, current_level, disputed,
             dispute_reason, move_pause, partner_pause, category_pause) in candidates:
            late = (self.date - due).days
            reached = None
            for days, level in level_days:
                if late >= days:
                    reached = level
            if reached is None:
                continue
            reason = None
            if disputed:
                reason = self.env._("Disputed by an open complaint: %(why)s",
                                    why=dispute_reason or "")
            elif move_pause and move_pause >= self.date:
                reason = self.env._("No dunning on this invoice until %(date)s", date=move_pause)
            elif partner_pause and partner_pause >= self.date:
                reason = self.env._("No dunning for this customer until %(date)s",
                                    date=partner_pause)
            elif category_pause:
                reason = self.env._("The customer is in a category without dunning")
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
            letter_values.append({"run_id": self.id, "partner_id": partner_id,
                                  "level_id": top})
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
        """Send every letter still to send; each letter on its own, so that
        one failing customer does not stop the others."""
        for run in self:
            run._csp_lock_for_send()
            letters = run.letter_ids.filtered(lambda letter: letter.state == "draft")
            problems = []
            for letter in letters:
                try:
                    with self.env.cr.savepoint():
                        letter._csp_send()
                except Exception as error:
                    _logger.exception("Dunning letter to %s failed", letter.partner_id.name)
                    letter.write({"state": "failed", "error": str(error)})
                    problems.append(self.env._("%(customer)s: failed (%(error)s)",
                                               customer=letter.partner_id.name, error=error))
            for letter in letters.filtered("fallback_reason"):
                problems.append(f"{letter.partner_id.name}: {letter.fallback_reason}")
            run.write({"state": "sent", "report": "\n".join(problems) or False})
            printed = run.letter_ids.filtered(
                lambda letter: letter.state == "sent" and letter.channel == "letter")
            if printed:
                run.message_post(body=self.env._(
                    "%(count)s letter(s) to print: use Print Letters.", count=len(printed)))
        return True

    def _csp_lock_for_send(self):
        """A run is sent once: the row lock makes a second sender wait, and
        then find it sent."""
        self.ensure_one()
        self.env.cr.execute(SQL("SELECT id FROM csp_dunning_run WHERE id = %s FOR UPDATE",
                                self.id))
        self.invalidate_recordset(["state"])
        if self.state != "draft":
            raise UserError(self.env._("%(run)s was already sent or cancelled.", run=self.name))

    def action_cancel(self):
        for run in self:
            if run.state != "draft":
                raise UserError(self.env._("Only a run to review can be cancelled."))
        self.write({"state": "cancel"})
        return True

    def action_print_letters(self):
        """The printed letters of the run as one PDF (rendered one letter at a
        time: Debian's wkhtmltopdf renders a single document per call)."""
        self.ensure_one()
        letters = self.letter_ids.filtered(lambda letter: letter.channel == "letter"
                                           and letter.state in ("draft", "sent"))
        if not letters:
            raise UserError(self.env._("This run has no printed letters."))
        from odoo.tools.pdf import merge_pdf  # noqa: PLC0415

        report = self.env.ref("customer_service_process.action_report_dunning_letter")
        pdfs = [report._render_qweb_pdf(report.report_name, letter.ids)[0] for letter in letters]
        pdf = merge_pdf(pdfs) if len(pdfs) > 1 else pdfs[0]
        # A Binary field takes base64, not the file's bytes.
        self.write({"letters_pdf": base64.b64encode(pdf),
                    "letters_pdf_name": f"{self.name}.pdf"})
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/csp.dunning.run/{self.id}/letters_pdf/{self.name}.pdf"
                   "?download=true",
            "target": "self",
        }

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
                        run.action_send()
            except Exception:
                _logger.exception("Dunning run of %s failed", company.name)
