import base64
from collections import defaultdict

from markupsafe import Markup

from odoo import Command, api, fields, models
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
        letters.filtered(lambda letter: letter.channel == "email")._csp_email()
        letters.filtered(lambda letter: letter.channel == "phone")._csp_phone_activity()
        letters._csp_post_fees(advancing)
        letters._csp_set_invoice_levels(advancing)
        letters._csp_log(advancing)
        own = self.sudo().with_context(mail_notrack=True)
        (own & nothing).write({"state": "nothing"})
        (own & letters).write({"state": "sent"})

    def _csp_set_invoice_levels(self, lines):
        """Each reminded invoice records its level and date: one UPDATE per
        level.  The process's own bookkeeping, not accounting: written below
        account.move's write (which would take each invoice's accounting
        apart, and flag it as manually modified); the invoice's chatter says
        it (`_csp_log`)."""
        Move = self.env["account.move"]
        for (level, date), group in _group(
                lines, lambda line: (line.level_id, line.letter_id.run_id.date)).items():
            group.move_id.sudo()._write({"csp_dunning_level_id": level.id,
                                         "csp_dunning_date": date})
        Move.invalidate_model(["csp_dunning_level_id", "csp_dunning_date", "write_uid",
                               "write_date"])
        self.env["res.partner"].invalidate_model(["csp_dunning_level_id"])

    def _csp_email(self):
        """The letters' e-mails, rendered in batch per template (Odoo's
        template rendering of many records at once) and queued in Odoo's mail
        queue with one create: each a message on the letter's chatter, sent
        to the customer only.  The mail carries the letter's content (its
        text and its table of invoices); no PDF is rendered here."""
        if not self:
            return
        default = self.env.ref("customer_service_process.mail_template_dunning_letter")
        by_template = _group(self, lambda letter: letter.level_id.mail_template_id or default)
        author = self.env.user.partner_id
        comment = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        layout = "mail.mail_notification_light"
        model_description = self.env["ir.model"]._get(self._name).display_name
        values_list = []
        for template, letters in by_template.items():
            # The template's own attachments, never its reports: no PDF here.
            rendered = template._generate_template(letters.ids, (
                "attachment_ids", "auto_delete", "body_html", "email_cc", "email_from",
                "email_to", "mail_server_id", "partner_to", "reply_to", "scheduled_date",
                "subject"))
            langs = template._render_lang(letters.ids) if template.lang else {}
            # Each message's reply-to, for all the letters at once (a message
            # created without one looks it up on its own).
            reply_tos = {}
            for email_from, group in _group(
                    letters, lambda letter, r=rendered: r[letter.id].get("email_from")).items():
                reply_tos.update(group.sudo()._notify_get_reply_to(
                    default=email_from, author_id=author.id))
            for letter in letters:
                values = rendered[letter.id]
                lang = langs.get(letter.id) or self.env.lang
                partner_ids = values.get("partner_ids") or []
                body_html = template.with_context(lang=lang)._render_encapsulate(
                    layout, values["body_html"], add_context={
                        "company": letter.company_id, "model_description": model_description},
                    context_record=letter.with_context(lang=lang))
                mail_values = {
                    # the message on the letter's chatter
                    "model": self._name, "res_id": letter.id,
                    "message_type": "comment", "subtype_id": comment,
                    "author_id": author.id, "subject": values.get("subject"),
                    "body": values["body_html"],
                    "partner_ids": [Command.set(partner_ids)],
                    "attachment_ids": [Command.set(values.get("attachment_ids") or [])],
                    # the e-mail: kept on the chatter once sent
                    "body_html": body_html, "is_notification": True,
                    "recipient_ids": [Command.set(partner_ids)],
                    "email_to": values.get("email_to") or False,
                    "email_cc": values.get("email_cc") or False,
                    "auto_delete": values.get("auto_delete", True),
                    "mail_server_id": values.get("mail_server_id") or False,
                    "scheduled_date": values.get("scheduled_date") or False,
                }
                if values.get("email_from"):
                    mail_values["email_from"] = values["email_from"]
                mail_values["reply_to"] = values.get("reply_to") or reply_tos.get(letter.id)
                values_list.append(mail_values)
        mails = self.env["mail.mail"].sudo().create(values_list)
        # As a posted message: the customer's e-mail notification, whose
        # status the chatter shows.
        self.env["mail.notification"].sudo().create([{
            "author_id": author.id, "mail_message_id": mail.mail_message_id.id,
            "mail_mail_id": mail.id, "res_partner_id": partner.id, "is_read": True,
            "notification_status": "ready", "notification_type": "email",
        } for mail in mails for partner in mail.recipient_ids])

    def _csp_phone_activity(self):
        """One call activity per letter on the customer, for his salesperson,
        or the head of sales, or whoever sends."""
        if not self:
            return
        call = self.env.ref("mail.mail_activity_data_call")
        partner_model = self.env["ir.model"]._get_id("res.partner")
        # The accountant may not edit customers; the call is still his to plan.
        self._csp_batch_create_activities([{
            "activity_type_id": call.id, "res_model_id": partner_model,
            "res_id": letter.partner_id.id, "automated": True,
            "date_deadline": letter.run_id.date,
            "user_id": (letter.partner_id.user_id or letter.company_id.csp_head_of_sales_id
                        or self.env.user).id,
            "summary": self.env._("%(level)s: call about overdue invoices",
                                  level=letter.level_id.name),
            "note": letter._csp_invoice_table(),
        } for letter in self])

    def _csp_post_fees(self, lines):
        """The levels' fees, posted once: one fee invoice per letter and
        currency, or one per dunned invoice, as the company chose; all the
        letters' fee invoices created and posted together."""
        to_charge = lines.filtered(lambda line: line.fee_amount > 0 and not line.fee_move_id)
        if not to_charge:
            return
        groups = []
        for letter, mine in _group(to_charge, lambda line: line.letter_id).items():
            company = letter.company_id
            if not company.csp_dunning_fee_product_id:
                raise UserError(self.env._(
                    "%(company)s charges dunning fees but has no fee product.",
                    company=company.name))
            if company.csp_dunning_fee_posting == "separate":
                groups += [(letter, line) for line in mine]
            else:
                groups += [(letter, group) for group in _group(
                    mine, lambda line: line.currency_id).values()]
        Move = self.env["account.move"].sudo()
        fee_moves, charged = Move.browse(), []
        for company, company_groups in _group(
                groups, lambda group: group[0].company_id).items():
            product = company.csp_dunning_fee_product_id
            charged += [group for _letter, group in company_groups]
            fee_moves |= Move.with_company(company).create([{
                "move_type": "out_invoice",
                "partner_id": letter.partner_id.id,
                "currency_id": group.currency_id.id,
                "invoice_date": letter.run_id.date,
                "csp_dunning_letter_id": letter.id,
                "invoice_line_ids": [Command.create({
                    "product_id": product.id,
                    "name": self.env._("%(level)s: fee on %(invoice)s",
                                       level=line.level_id.name, invoice=line.move_id.name),
                    "quantity": 1,
                    "price_unit": line.fee_amount,
                    "tax_ids": [Command.clear()],
                }) for line in group],
            } for letter, group in company_groups])
        fee_moves.action_post()
        for fee_move, group in zip(fee_moves, charged, strict=True):
            group.write({"fee_move_id": fee_move.id})

    def _csp_log(self, lines):
        """The reminder in the chatter of each customer and of each invoice,
        logged in one batch per model."""
        if not self:
            return
        channels = dict(self._fields["channel"]._description_selection(self.env))
        author = self.env.user.partner_id.id
        partner_bodies, move_bodies = {}, {}
        by_letter = _group(lines, lambda line: line.letter_id)
        for letter in self:
            mine = by_letter.get(letter, lines.browse())
            channel = channels[letter.channel]
            partner_bodies[letter.partner_id.id] = self.env._(
                "%(level)s sent (%(channel)s) for %(invoices)s.", level=letter.level_id.name,
                channel=channel, invoices=", ".join(mine.move_id.mapped("name")))
            for move in mine.move_id:
                move_bodies[move.id] = self.env._(
                    "Dunning: %(level)s (%(channel)s).", level=letter.level_id.name,
                    channel=channel)
        # Accountants may not edit customers, but the reminder is on their record.
        self.env["res.partner"].browse(partner_bodies).sudo()._message_log_batch(
            partner_bodies, author_id=author)
        self.env["account.move"].browse(move_bodies).sudo()._message_log_batch(
            move_bodies, author_id=author)

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
