"""How a dunning letter reaches its customer at Send: its e-mail, or a call
activity for his salesperson; then the levels' fees and the chatter.  Each
for a batch of letters at once (see csp_dunning_letter._csp_send)."""

from markupsafe import Markup

from odoo import Command, api, models
from odoo.exceptions import UserError

from .csp_dunning_letter import _group


class CspDunningLetter(models.Model):
    _inherit = "csp.dunning.letter"

    @api.model
    def _csp_channel_senders(self):
        """{channel: the method that sends the letters of that channel at
        Send}.  Printed letters have none: they are printed apart (Print
        Letters).  Override to add a channel (with its selection value)."""
        return {"email": "_csp_email", "phone": "_csp_phone_activity"}

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
        """One call activity per letter on the customer, for whom the cards'
        step "Call a customer about overdue invoices" names (his salesperson,
        else the office manager)."""
        if not self:
            return
        call = self.env.ref("mail.mail_activity_data_call")
        partner_model = self.env["ir.model"]._get_id("res.partner")
        # The accountant may not edit customers; the call is still his to plan.
        self._csp_batch_create_activities([
            letter._prepare_call_activity_vals(call, partner_model) for letter in self])

    def _prepare_call_activity_vals(self, activity_type, partner_model_id):
        """The values of the letter's call activity on the customer."""
        self.ensure_one()
        assignment = self.env["csp.process.step"]._csp_assign(
            "dunning_call", self.partner_id, own=lambda partner: partner.user_id,
            company=lambda _partner: self.company_id)[self.partner_id]
        return {
            "activity_type_id": activity_type.id, "res_model_id": partner_model_id,
            "res_id": self.partner_id.id, "automated": True,
            "date_deadline": self.run_id.date,
            "user_id": assignment.user.id,
            "summary": self.env._("%(level)s: call about overdue invoices",
                                  level=self.level_id.name),
            "note": self._csp_invoice_table() + (
                Markup("<p>%s</p>") % assignment.note if assignment.note else ""),
        }

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
            fee_moves |= Move.with_company(company).create([
                letter._prepare_fee_move_vals(group, product)
                for letter, group in company_groups])
        fee_moves.action_post()
        for fee_move, group in zip(fee_moves, charged, strict=True):
            group.write({"fee_move_id": fee_move.id})

    def _prepare_fee_move_vals(self, lines, product):
        """The values of the fee invoice of the letter's `lines` (one
        currency), charged with the company's fee `product`, untaxed."""
        self.ensure_one()
        return {
            "move_type": "out_invoice",
            "partner_id": self.partner_id.id,
            "currency_id": lines.currency_id.id,
            "invoice_date": self.run_id.date,
            "csp_dunning_letter_id": self.id,
            "invoice_line_ids": [Command.create({
                "product_id": product.id,
                "name": self.env._("%(level)s: fee on %(invoice)s",
                                   level=line.level_id.name, invoice=line.move_id.name),
                "quantity": 1,
                "price_unit": line.fee_amount,
                "tax_ids": [Command.clear()],
            }) for line in lines],
        }

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
