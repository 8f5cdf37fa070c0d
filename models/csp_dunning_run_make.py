"""Making a dunning run: the company's overdue invoices in one query, the
level each reached, the pauses that keep some out, one letter per customer
at his highest new level; letters, lines and skips created in three
batches.  The rules are hooks (_csp_level_reached, _csp_skip_reason,
_prepare_dunning_letter_vals)."""

from collections import defaultdict
from datetime import timedelta

from psycopg2 import errors as pg_errors

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

# The columns of _csp_candidates' rows, in order.
CANDIDATE_COLUMNS = (
    "move_id", "partner_id", "currency_id", "amount_residual", "invoice_date_due",
    "level_id", "disputed", "dispute_reason", "move_pause", "partner_pause", "category_pause",
)


class CspDunningRun(models.Model):
    _inherit = "csp.dunning.run"

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
