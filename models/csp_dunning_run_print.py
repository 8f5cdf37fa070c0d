"""Print Letters: the run's printed letters rendered by cron workers in
batches, merged into one PDF to download, with the run's progress."""

import base64
import logging

from odoo import models
from odoo.exceptions import UserError
from odoo.tools.pdf import merge_pdf

_logger = logging.getLogger(__name__)


class CspDunningRun(models.Model):
    _inherit = "csp.dunning.run"

    def action_print_letters(self):
        """Queue the printing of the run's printed letters: the cron
        `ir_cron_dunning_print` renders them in batches (one letter per
        wkhtmltopdf call: Debian's wkhtmltopdf renders a single document per
        call) and merges them into one PDF; the user is told when it is
        ready to download."""
        self.ensure_one()
        self.check_access("write")
        self._csp_lock()
        if self.state == "sending":
            raise UserError(self.env._(
                "The letters of %(run)s are being sent; print them once they are all sent.",
                run=self.name))
        if self.print_state == "printing":
            raise UserError(self.env._("The letters of %(run)s are already being printed.",
                                       run=self.name))
        letters = self.letter_ids.filtered(lambda letter: letter.channel == "letter"
                                           and letter.state in ("draft", "sent"))
        if not letters:
            raise UserError(self.env._("This run has no printed letters."))
        # A new print: the letters as they are now, the previous PDFs gone.
        self.letter_ids.filtered("print_state").sudo().write(
            {"print_state": False, "print_error": False, "print_pdf": False})
        letters.sudo().write({"print_state": "queued"})
        self.sudo().write({"print_state": "printing", "print_user_id": self.env.user.id,
                           "letters_pdf": False, "letters_pdf_name": False})
        self.env["csp.dunning.letter"]._csp_batch_queue("dunning_print")
        return self._csp_notify_action(self.env._(
            "%(count)s letter(s) are being printed in the background. You will be notified "
            "when the PDF is ready.", count=len(letters)))

    def _csp_finish_printing(self):
        """Runs whose letters are all rendered get them merged into one PDF;
        whoever asked is told.  Called after each batch, in its transaction."""
        runs = self.filtered(lambda run: run.print_state == "printing")
        for run in runs._csp_nothing_left([("print_state", "=", "queued")]):
            # In the order they were rendered: a batch's PDF is on its first.
            letters = run.letter_ids.filtered("print_state").sorted("id")
            printed = letters.filtered(lambda letter: letter.print_state == "printed")
            failed = letters - printed
            attachments = {attachment.res_id: attachment for attachment in self.env[
                "ir.attachment"].sudo().search([
                    ("res_model", "=", "csp.dunning.letter"), ("res_field", "=", "print_pdf"),
                    ("res_id", "in", printed.ids)])}
            pdfs = [attachments[letter.id].raw for letter in printed
                    if letter.id in attachments]
            values = {"print_state": "done" if pdfs else "failed"}
            body = self.env._("%(count)s printed letter(s) of %(run)s are ready to download.",
                              count=len(pdfs), run=run.name) if pdfs else self.env._(
                "No letter of %(run)s could be printed.", run=run.name)
            if pdfs:
                try:
                    pdf = merge_pdf(pdfs) if len(pdfs) > 1 else pdfs[0]
                except Exception as error:  # told to the user
                    _logger.exception("Merging the letters of %s failed", run.name)
                    values["print_state"] = "failed"
                    body = self.env._("The letters of %(run)s could not be merged: %(error)s",
                                      run=run.name, error=error)
                else:
                    # A Binary field takes base64, not the file's bytes.
                    values.update(letters_pdf=base64.b64encode(pdf),
                                  letters_pdf_name=f"{run.name}.pdf")
                    # The merged PDF holds them now.
                    printed.sudo().write({"print_pdf": False})
            run.sudo().write(values)
            if failed:
                body += " " + self.env._("%(count)s failed: %(errors)s", count=len(failed),
                                         errors="; ".join(
                    f"{letter.partner_id.name}: {letter.print_error}" for letter in failed))
            run._csp_tell(run.print_user_id, body, "warning" if failed else "success")

    def action_download_letters(self):
        """The merged PDF of the printed letters, once ready."""
        self.ensure_one()
        if not self.letters_pdf:
            raise UserError(self.env._("The printed letters of %(run)s are not ready yet.",
                                       run=self.name))
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/csp.dunning.run/{self.id}/letters_pdf/{self.letters_pdf_name}"
                   "?download=true",
            "target": "self",
        }
