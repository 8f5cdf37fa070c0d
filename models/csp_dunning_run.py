"""The dunning run (subprocess f): every open overdue customer invoice of a
company on a date, the level it reached, one letter per customer at his
highest level, the pauses that kept invoices out.  This file holds the run,
its progress and the daily cron; making it is in csp_dunning_run_make.py,
sending and printing (queued to cron workers, csp.batch) in
csp_dunning_run_send.py and csp_dunning_run_print.py."""

import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

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

    def _csp_lock(self):
        """The run's row lock until the commit, and its states as they are
        once it is held: a second Send or Print waits for the first, then
        finds what it did."""
        self.ensure_one()
        self.env.cr.execute(SQL("SELECT id FROM csp_dunning_run WHERE id = %s FOR UPDATE",
                                self.id))
        self.invalidate_recordset(["state", "print_state"])

    def _csp_nothing_left(self, letter_domain):
        """Those of these runs that have no letter matching `letter_domain`
        (the letters still queued for a send or a print), in one query."""
        queued = {run.id for [run] in self.env["csp.dunning.letter"]._read_group(
            [("run_id", "in", self.ids), *letter_domain], ["run_id"])}
        return self.filtered(lambda run: run.id not in queued)

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
