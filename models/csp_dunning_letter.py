import base64
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date


def _group(items, key):
    """{key(item): the items with that key}, in the order first seen; the
    groups of a recordset are recordsets (sharing its prefetching)."""
    groups = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    if isinstance(items, models.BaseModel):
        return {k: items.browse([r.id for r in v]).with_prefetch(items._prefetch_ids)
                for k, v in groups.items()}
    return dict(groups)


class CspDunningLetter(models.Model):
    """One customer's reminder in a run: his overdue invoices at the highest
    level any of them reached."""

    _name = "csp.dunning.letter"
    _description = "Dunning Letter"
    _inherit = ["mail.thread", "csp.batch", "csp.process.owned"]
    _order = "run_id desc, partner_id"
    # Sending and printing are done by the process, on cron workers.
    _csp_process_fields = frozenset({
        "state", "error", "print_state", "print_error", "print_pdf"})
    _csp_batch_jobs = {
        "dunning_send": "customer_service_process.ir_cron_dunning_send",
        "dunning_print": "customer_service_process.ir_cron_dunning_print",
    }
    # Sending: about 30 ms a letter; printing: one wkhtmltopdf call (about a
    # second) for the batch, plus a little per letter: a cron run stays far
    # below its limit.
    _csp_batch_sizes = {"dunning_send": 50, "dunning_print": 25}

    run_id = fields.Many2one("csp.dunning.run", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True)
    date = fields.Date(related="run_id.date", store=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    level_id = fields.Many2one("csp.dunning.level", required=True)
    channel = fields.Selection(
        [("email", "E-mail"), ("letter", "Printed letter"), ("phone", "Phone call")],
        readonly=True)
    fallback_reason = fields.Char(readonly=True)
    state = fields.Selection(
        [("draft", "To Send"), ("excluded", "Excluded"), ("sent", "Sent"),
         ("nothing", "Nothing Left to Remind"), ("failed", "Failed")],
        default="draft", required=True, tracking=True, readonly=True, index=True)
    error = fields.Text(readonly=True, help="Why sending this letter failed.")
    line_ids = fields.One2many("csp.dunning.line", "letter_id", string="Invoices")
    totals = fields.Char(string="Total Due", compute="_compute_totals",
                         help="Per currency: invoices in several currencies are not added up.")
    fee_move_ids = fields.One2many("account.move", "csp_dunning_letter_id", string="Fees",
                                   readonly=True)
    # Printing: the letter's PDF, kept until the run's letters are merged.
    print_state = fields.Selection(
        [("queued", "To Print"), ("printed", "Printed"), ("failed", "Failed")],
        readonly=True, copy=False, index="btree_not_null")
    print_error = fields.Text(readonly=True, copy=False,
                              help="Why printing this letter failed.")
    print_pdf = fields.Binary(string="Letter PDF", readonly=True, attachment=True, copy=False)
    statement_url = fields.Char(
        compute="_compute_statement_url",
        help="The customer's statement on the portal (his open items, with the PDF as a "
             "button), when he has portal access: the e-mail links to it.")

    @api.depends("line_ids.amount_residual", "line_ids.fee_amount", "line_ids.excluded")
    @api.depends_context("lang")
    def _compute_totals(self):
        for letter in self:
            letter.totals = " + ".join(
                format_amount(self.env, amount, currency)
                for currency, amount in letter._csp_totals().items()) or False

    def _compute_statement_url(self):
        # One query for all the letters a batch renders.
        commercials = self.partner_id.commercial_partner_id
        with_portal = {
            commercial.id for [commercial] in self.env["res.users"].sudo()._read_group(
                [("share", "=", True), ("partner_id.commercial_partner_id", "in",
                                        commercials.ids)],
                ["partner_id.commercial_partner_id"])}
        for letter in self:
            letter.statement_url = (
                letter.partner_id.commercial_partner_id.id in with_portal
                and f"{letter.get_base_url()}/my/statement")

    def _csp_totals(self):
        self.ensure_one()
        totals = defaultdict(float)
        for line in self.line_ids.filtered(lambda line: not line.excluded):
            totals[line.currency_id] += line.amount_residual + line.fee_amount
        return dict(totals)

    def _csp_set_channel(self):
        """The level's channel, or a printed letter when an e-mail has no address."""
        for letter in self:
            channel = letter.level_id.channel
            if channel == "email" and not letter.partner_id.email:
                letter.write({"channel": "letter", "fallback_reason": self.env._(
                    "no e-mail address: printed letter instead")})
            else:
                letter.channel = channel

    def action_exclude(self):
        self._csp_check_draft()
        self.check_access("write")
        self.sudo().write({"state": "excluded"})

    def action_include(self):
        self._csp_check_draft()
        excluded = self.filtered(lambda letter: letter.state == "excluded")
        if excluded:
            excluded.check_access("write")
            excluded.sudo().write({"state": "draft"})

    def _csp_check_draft(self):
        for letter in self:
            if letter.run_id.state != "draft":
                raise UserError(self.env._("The run of this letter was already sent."))

    def write(self, vals):
        # Users change letters of runs to review; the process (sudo) also
        # while sending.
        if ("level_id" in vals or "line_ids" in vals) and not self.env.su:
            self._csp_check_draft()
        return super().write(vals)

    # --------------------------------------------------------------- sending
    # Letters are sent by the cron `ir_cron_dunning_send` in batches (the
    # job "dunning_send" of csp.batch): a letter of a run being sent that is
    # still to send is queued; sending it marks it sent, nothing or failed
    # in the transaction of its mail, activity, fees, levels and chatter.

    @api.model
    def _csp_batch_domain(self, job):
        if job == "dunning_send":
            return [("run_id.state", "=", "sending"), ("state", "=", "draft")]
        if job == "dunning_print":
            return [("print_state", "=", "queued")]
        return super()._csp_batch_domain(job)

    @api.model
    def _csp_batch_order(self, job):
        if job in ("dunning_send", "dunning_print"):
            return "run_id, id"
        return super()._csp_batch_order(job)

    def _csp_batch_process(self, job):
        if job not in ("dunning_send", "dunning_print"):
            return super()._csp_batch_process(job)
        # Each run's letters as the user who asked, in the run's company.
        for run in self.run_id:
            user = (run.send_user_id if job == "dunning_send" else run.print_user_id) \
                or self.env.user
            letters = self.filtered(lambda letter, r=run: letter.run_id == r).with_user(
                user).with_company(run.company_id)
            if job == "dunning_send":
                letters._csp_send()
            else:
                letters._csp_render_pdf()
        return None

    def _csp_batch_failed(self, job, error):
        if job == "dunning_send":
            self.sudo().with_context(mail_notrack=True).write(
                {"state": "failed", "error": str(error)})
        elif job == "dunning_print":
            self.sudo().write({"print_state": "failed", "print_error": str(error)})
        else:
            return super()._csp_batch_failed(job, error)
        return None

    def _csp_batch_after(self, job):
        if job == "dunning_send":
            self.run_id._csp_finish_sending()
        elif job == "dunning_print":
            self.run_id._csp_finish_printing()
        return super()._csp_batch_after(job)

    @api.model
    def _csp_batch_sweep(self, job):
        # Runs with nothing (left) to send or print: all letters excluded, or
        # a finish that failed.
        Run = self.env["csp.dunning.run"]
        if job == "dunning_send":
            Run.search([("state", "=", "sending")])._csp_finish_sending()
        elif job == "dunning_print":
            Run.search([("print_state", "=", "printing")])._csp_finish_printing()
        return super()._csp_batch_sweep(job)

    def _csp_refresh_lines(self):
        """At send time: invoices paid, credited or reconciled since the run was
        made leave the letters, as do those already at the line's level.
        Returns the lines left."""
        lines = self.line_ids.filtered(lambda line: not line.excluded)
        lines.move_id.invalidate_recordset(["payment_state", "amount_residual",
                                            "csp_dunning_level_id"])
        paid = lines.filtered(lambda line: line.move_id.payment_state not in (
            "not_paid", "partial") or line.move_id.amount_residual <= 0)
        reminded = (lines - paid).filtered(
            lambda line: line.new_level and line.move_id.csp_dunning_level_id
            and line.move_id.csp_dunning_level_id.days >= line.level_id.days)
        paid.write({"excluded": True, "removed_reason": self.env._(
            "paid or credited since the run was made")})
        reminded.write({"excluded": True, "removed_reason": self.env._(
            "already reminded at this level")})
        for line in lines - paid - reminded:
            if line.move_id.amount_residual != line.amount_residual:
                line.amount_residual = line.move_id.amount_residual
        return lines - paid - reminded

    def _csp_send(self):
        """Send these letters (of one run) together: their e-mails rendered
        and queued in one batch, their phone activities, fee invoices, level
        updates and chatter messages created in one go each."""
        lines = self._csp_refresh_lines()
        advancing = lines.filtered("new_level")
        nothing = self - advancing.letter_id
        letters = self - nothing
        for letter, mine in _group(advancing, lambda line: line.letter_id).items():
            levels = mine.level_id.sorted("days")
            if letter.level_id not in levels:
                # The process's own correction (the run is no longer a draft).
                letter.sudo().level_id = levels[-1]
        for channel, letters_of in _group(letters, lambda letter: letter.channel).items():
            sender = self._csp_channel_senders().get(channel)
            if sender:
                getattr(letters_of, sender)()
        letters._csp_post_fees(advancing)
        letters._csp_set_invoice_levels(advancing)
        letters._csp_log(advancing)
        own = self.sudo().with_context(mail_notrack=True)
        (own & nothing).write({"state": "nothing"})
        (own & letters).write({"state": "sent"})

    # ------------------------------------------------------------- printing

    def _csp_render_pdf(self):
        """The letters' PDF in one wkhtmltopdf call: one document holding
        them all, a page break before each (Debian's build renders one
        document per call, and a call costs about a second whatever it
        holds).  Kept on the first letter until the run's letters are
        merged, in the order of their ids."""
        if not self:
            return
        letters = self.sorted("id")
        report = self.env.ref("customer_service_process.action_report_dunning_letters_batch")
        content, kind = report._render_qweb_pdf(report.report_name, letters.ids)
        if kind != "pdf" or not content.startswith(b"%PDF"):
            raise UserError(self.env._("The letter could not be rendered as a PDF."))
        letters.sudo().write({"print_state": "printed", "print_error": False})
        letters[:1].sudo().write({"print_pdf": base64.b64encode(content)})

    # ------------------------------------------------------------- rendering

    def _csp_invoice_table(self):
        """The table of the letter's invoices, for e-mails and activities."""
        self.ensure_one()
        rows = []
        for line in self.line_ids.filtered(lambda line: not line.excluded):
            rows.append(Markup(
                "<tr><td>%s</td><td>%s</td><td style='text-align:right'>%s</td>"
                "<td style='text-align:right'>%s</td><td style='text-align:right'>%s</td></tr>"
            ) % (line.move_id.name, format_date(self.env, line.move_id.invoice_date_due),
                 line.days_late, format_amount(self.env, line.amount_residual, line.currency_id),
                 format_amount(self.env, line.fee_amount, line.currency_id)
                 if line.fee_amount else ""))
        head = Markup(
            "<table style='border-collapse:collapse' cellpadding='4'><tr><th>%s</th><th>%s</th>"
            "<th>%s</th><th>%s</th><th>%s</th></tr>") % (
            self.env._("Invoice"), self.env._("Due"), self.env._("Days late"),
            self.env._("Amount due"), self.env._("Fee"))
        total = Markup("<tr><td colspan='3'><b>%s</b></td><td colspan='2' "
                       "style='text-align:right'><b>%s</b></td></tr></table>") % (
            self.env._("Total due"), self.totals or "")
        return head + Markup("").join(rows) + total
