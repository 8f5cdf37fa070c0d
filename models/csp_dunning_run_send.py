"""Send: the run's letters queued to cron workers (the job dunning_send of
csp.batch on csp.dunning.letter), the run *Sent* with its report once
none is left, and whoever pressed Send told."""

from odoo import models
from odoo.exceptions import UserError


class CspDunningRun(models.Model):
    _inherit = "csp.dunning.run"

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
        self._csp_lock()
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
        for run in runs._csp_nothing_left([("state", "=", "draft")]):
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
