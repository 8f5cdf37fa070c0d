"""Personal links: an approver's decision link, a customer's delivery
confirmation, survey and sales material links.

A link carries a random token.  The record keeps only the token's sha256
digest (in a field only administrators read), so nobody who can read the
database - or the record through the API - can rebuild the link; the raw
token exists in the one e-mail to the recipient.  That e-mail is a
`mail.mail` outside any record's thread (no model, no res_id), addressed to
the recipient alone, and created as the superuser: a mail.message is readable
by its author, its creator, its recipients and whoever reads its record, and
none of these may be anyone but the recipient.
"""

import hashlib
import secrets

from odoo import SUPERUSER_ID
from odoo.fields import Command
from odoo.tools import consteq

# The rendering context key that carries the link into a mail template: the
# templates' `object._csp_..._url()` read it from there.
LINK_CONTEXT_KEY = "csp_link"


def hash_token(token):
    """The digest stored for a token."""
    return hashlib.sha256(str(token).encode()).hexdigest()


def new_token():
    """A fresh token and its digest: (raw, digest)."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def token_matches(digest, token):
    """Whether `token` is the one `digest` was made from (constant time)."""
    if not digest or not token:
        return False
    return consteq(digest, hash_token(token))


def mail_template(env, name):
    """The addon's editable mail template `name` (its XML id in the addon),
    or an empty recordset when the company deleted it: a notice it does not
    want is not sent.  Every mail of the process finds its template here."""
    return env.ref(f"customer_service_process.{name}", raise_if_not_found=False) \
        or env["mail.template"]


def link_from_context(record):
    """The link handed to the mail template that is rendering `record`."""
    return record.env.context.get(LINK_CONTEXT_KEY) or False


def send_private_mail(template, record, partners, link=False,
                      layout="mail.mail_notification_light"):
    """Queue `template` (a mail.template, or the name of one of the addon's:
    see `mail_template`) rendered on `record` for `partners` only.

    The mail has no model/res_id, so it is on no thread; its recipients are
    exactly `partners` (the template's own recipients are ignored, so an edited
    template cannot copy the link to anyone else); the message has neither
    author nor message partners, and the superuser creates it.  `link` is
    given to the rendering through the context.  Returns the mail.mail.
    """
    mails = record.env["mail.mail"].sudo()
    if isinstance(template, str):
        template = mail_template(record.env, template)
    if not template or not partners:
        return mails
    template = template.with_user(SUPERUSER_ID).with_context(**{LINK_CONTEXT_KEY: link})
    mail_id = template.send_mail(record.id, email_layout_xmlid=layout, email_values={
        "model": False,
        "res_id": False,
        "recipient_ids": [Command.set(partners.ids)],
        "partner_ids": [Command.clear()],
        "email_to": False,
        "email_cc": False,
        "author_id": False,
    })
    mail = mails.browse(mail_id)
    # as `send_private_mails`: the link only on the outgoing mail
    mail.mail_message_id.body = False
    return mail


def send_private_mails(template, records, partners):
    """`send_private_mail` for many records at once: `template` rendered for
    all `records` together (Odoo's batch rendering) and queued with one
    create, each mail on no thread and to `partners[record.id]` alone."""
    mails = records.env["mail.mail"].sudo()
    if isinstance(template, str):
        template = mail_template(records.env, template)
    records = records.filtered(lambda r: partners.get(r.id))
    if not template or not records:
        return mails
    template = template.with_user(SUPERUSER_ID)
    layout = "mail.mail_notification_light"
    rendered = template._generate_template(records.ids, (
        "attachment_ids", "auto_delete", "body_html", "email_from", "mail_server_id",
        "reply_to", "scheduled_date", "subject"))
    langs = template._render_lang(records.ids) if template.lang else {}
    companies = records._mail_get_companies(default=records.env.company)
    model_description = records.env["ir.model"]._get(records._name).display_name
    values_list = []
    for record in records:
        values = rendered[record.id]
        lang = langs.get(record.id) or records.env.lang
        body = template.with_context(lang=lang)._render_encapsulate(
            layout, values["body_html"], add_context={
                "company": companies.get(record.id) or records.env.company,
                "model_description": model_description},
            context_record=record.with_context(lang=lang))
        mail_values = {
            # The body lives on the outgoing mail only (deleted once sent):
            # no message on no thread keeps a copy of the link, and the big
            # layout is not sanitized and stored a second time.
            "subject": values.get("subject"), "body_html": body,
            "auto_delete": values.get("auto_delete", True),
            "mail_server_id": values.get("mail_server_id") or False,
            "scheduled_date": values.get("scheduled_date") or False,
            "reply_to": values.get("reply_to") or False,
            "attachment_ids": [Command.set(values.get("attachment_ids") or [])],
            # as `send_private_mail`: no thread, no author, this recipient only
            "model": False, "res_id": False, "author_id": False,
            "recipient_ids": [Command.set(partners[record.id].ids)],
            "partner_ids": [Command.clear()], "email_to": False, "email_cc": False,
        }
        if values.get("email_from"):
            mail_values["email_from"] = values["email_from"]
        values_list.append(mail_values)
    return mails.create(values_list)
