from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date


class CspDunningLetter(models.Model):
    """One customer's reminder in a run: his overdue invoices at the highest
    level any of them reached."""

    _name = "csp.dunning.letter"
    _description = "Dunning Letter"
    _inherit = ["mail.thread"]
    _order = "run_id desc, partner_id"

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
        default="draft", required=True, tracking=True)
    error = fields.Text(readonly=True)
    line_ids = fields.One2many("csp.dunning.line", "letter_id", string="Invoices")
    totals = fields.Char(string="Total Due", compute="_compute_totals",
                         help="Per currency: invoices in several currencies are not added up.")
    fee_move_ids = fields.One2many("account.move", "csp_dunning_letter_id", string="Fees",
                                   readonly=True)

    @api.depends("line_ids.amount_residual", "line_ids.fee_amount", "line_ids.excluded")
    def _compute_totals(self):
        for letter in self:
            letter.totals = " + ".join(
                format_amount(self.env, amount, currency)
                for currency, amount in letter._csp_totals().items()) or False

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
        self.write({"state": "excluded"})

    def action_include(self):
        self.filtered(lambda letter: letter.state == "excluded").write({"state": "draft"})

    def _csp_check_draft(self):
        for letter in self:
            if letter.run_id.state != "draft":
                raise UserError(self.env._("The run of this letter was already sent."))

    def write(self, vals):
        if "level_id" in vals or "line_ids" in vals:
            self._csp_check_draft()
        return super().write(vals)

    # --------------------------------------------------------------- sending

    def _csp_refresh_lines(self):
        """At send time: invoices paid, credited or reconciled since the run was
        made leave the letter, as do those already at the line's level."""
        self.ensure_one()
        lines = self.line_ids.filtered(lambda line: not line.excluded)
        lines.move_id.invalidate_recordset(["payment_state", "amount_residual",
                                            "csp_dunning_level_id"])
        for line in lines:
            move = line.move_id
            if move.payment_state not in ("not_paid", "partial") or move.amount_residual <= 0:
                line.write({"excluded": True, "removed_reason": self.env._(
                    "paid or credited since the run was made")})
            elif line.new_level and move.csp_dunning_level_id and \
                    move.csp_dunning_level_id.days >= line.level_id.days:
                line.write({"excluded": True, "removed_reason": self.env._(
                    "already reminded at this level")})
            elif move.amount_residual != line.amount_residual:
                line.amount_residual = move.amount_residual
        return self.line_ids.filtered(lambda line: not line.excluded)

    def _csp_send(self):
        self.ensure_one()
        lines = self._csp_refresh_lines()
        advancing = lines.filtered("new_level")
        if not advancing:
            self.state = "nothing"
            return
        levels = advancing.level_id.sorted("days")
        if self.level_id not in levels:
            self.level_id = levels[-1]
        if self.channel == "email":
            self._csp_email()
        elif self.channel == "phone":
            self._csp_phone_activity()
        self._csp_post_fees(advancing)
        today = self.run_id.date
        for line in advancing:
            line.move_id.sudo().write({"csp_dunning_level_id": line.level_id.id,
                                       "csp_dunning_date": today})
        self._csp_log(advancing)
        self.state = "sent"

    def _csp_email(self):
        template = self.level_id.mail_template_id or self.env.ref(
            "customer_service_process.mail_template_dunning_letter")
        report = self.env.ref("customer_service_process.action_report_dunning_letter")
        content, _type = report._render_qweb_pdf(report.report_name, self.ids)
        attachment = self.env["ir.attachment"].create({
            "name": f"{self.level_id.name} - {self.partner_id.name}.pdf",
            "raw": content, "res_model": self._name, "res_id": self.id,
            "mimetype": "application/pdf",
        })
        self.message_post_with_source(
            template, subtype_xmlid="mail.mt_comment", attachment_ids=attachment.ids,
            email_layout_xmlid="mail.mail_notification_light")

    def _csp_phone_activity(self):
        user = (self.partner_id.user_id or self.company_id.csp_head_of_sales_id
                or self.env.user)
        # The accountant may not edit customers; the call is still his to plan.
        self.partner_id.sudo().activity_schedule(
            "mail.mail_activity_data_call",
            date_deadline=self.run_id.date,
            user_id=user.id,
            summary=self.env._("%(level)s: call about overdue invoices", level=self.level_id.name),
            note=self._csp_invoice_table(),
        )

    def _csp_post_fees(self, lines):
        """The levels' fees, posted once: one fee invoice per letter and
        currency, or one per dunned invoice, as the company chose."""
        company = self.company_id
        to_charge = lines.filtered(lambda line: line.fee_amount > 0 and not line.fee_move_id)
        if not to_charge:
            return
        product = company.csp_dunning_fee_product_id
        if not product:
            raise UserError(self.env._(
                "%(company)s charges dunning fees but has no fee product.",
                company=company.name))
        if company.csp_dunning_fee_posting == "separate":
            groups = list(to_charge)
        else:
            by_currency = defaultdict(lambda: self.env["csp.dunning.line"])
            for line in to_charge:
                by_currency[line.currency_id] |= line
            groups = list(by_currency.values())
        Move = self.env["account.move"].sudo().with_company(company)
        for group in groups:
            fee_move = Move.create({
                "move_type": "out_invoice",
                "partner_id": self.partner_id.id,
                "currency_id": group.currency_id.id,
                "invoice_date": self.run_id.date,
                "csp_dunning_letter_id": self.id,
                "invoice_line_ids": [fields.Command.create({
                    "product_id": product.id,
                    "name": self.env._("%(level)s: fee on %(invoice)s",
                                       level=line.level_id.name, invoice=line.move_id.name),
                    "quantity": 1,
                    "price_unit": line.fee_amount,
                    "tax_ids": [fields.Command.clear()],
                }) for line in group],
            })
            fee_move.action_post()
            group.write({"fee_move_id": fee_move.id})

    def _csp_log(self, lines):
        """The reminder in the chatter of the customer and of each invoice."""
        channels = dict(self._fields["channel"]._description_selection(self.env))
        body = self.env._("%(level)s sent (%(channel)s) for %(invoices)s.",
                          level=self.level_id.name, channel=channels[self.channel],
                          invoices=", ".join(lines.move_id.mapped("name")))
        # Accountants may not edit customers, but the reminder is on their record.
        self.partner_id.sudo().message_post(body=body, author_id=self.env.user.partner_id.id)
        for move in lines.move_id:
            move.message_post(body=self.env._(
                "Dunning: %(level)s (%(channel)s).", level=self.level_id.name,
                channel=channels[self.channel]))

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
