"""Dispatch and the customer's confirmation of a delivery (PROCESS.md d).

When a customer delivery is validated the customer gets a dispatch notice
with a one-time link; he confirms receipt there (name, optional signature,
photo and remarks) or reports a problem per line, or a field rep confirms it
with him on the phone.  Reminders and the automatic confirmation run from a
cron.  The order is Delivered when all its deliveries are confirmed.
"""

import base64
import binascii
import io
import logging
import warnings
from datetime import timedelta

from PIL import Image
from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL
from odoo.tools.image import IMAGE_MAX_RESOLUTION

from .csp_link import link_from_context, new_token, send_private_mail, token_matches

_logger = logging.getLogger(__name__)

DELIVERY_STATES = [
    ("waiting", "Waiting"),
    ("ready", "Ready"),
    ("shipped", "Shipped"),
    ("delivered", "Delivered"),
    ("confirmed", "Confirmed"),
    ("disputed", "Disputed"),
]
CONFIRMATION_CHANNELS = [
    ("portal", "Customer, online"),
    ("rep", "Customer, on the rep's phone"),
    ("auto", "Automatically"),
    ("office", "Head office"),
    ("pickup", "Collected at the warehouse"),
]
# A photo or a signature larger than this is refused (the portal page says so).
MAX_IMAGE_BYTES = 5 * 1024 * 1024


def decode_image(data, what, env):
    """The base64 image, checked, or a ValidationError in the user's
    language: not an image, too many bytes or too many pixels.

    Only the image's header is read: a file of a few kilobytes may declare
    gigapixels, and decoding it (here, or when the attachment is resized)
    would take the server's memory.  Above Odoo's own limit for images
    (50 megapixels) the image is refused before any pixel is decoded."""
    if not data:
        return False
    if isinstance(data, str):
        data = data.encode()
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(env._("The %(what)s is not an image.", what=what)) from None
    if len(raw) > MAX_IMAGE_BYTES:
        raise ValidationError(env._(
            "The %(what)s is too large: %(size)s MB, at most %(limit)s MB.", what=what,
            size=round(len(raw) / 1024 / 1024, 1), limit=MAX_IMAGE_BYTES // 1024 // 1024))
    try:
        with warnings.catch_warnings():
            # Pillow warns above 89 megapixels (we refuse from 50, just below)
            # and refuses from 179 without telling the size.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw))  # reads the header, decodes nothing
            width, height = image.size
    except Image.DecompressionBombError:
        raise ValidationError(env._(
            "The %(what)s is too large: more than %(limit)s megapixels. Send a smaller "
            "picture.", what=what, limit=int(IMAGE_MAX_RESOLUTION / 1e6))) from None
    except (OSError, ValueError, SyntaxError):
        raise ValidationError(env._("The %(what)s is not an image.", what=what)) from None
    if width * height > IMAGE_MAX_RESOLUTION:
        raise ValidationError(env._(
            "The %(what)s is too large: %(width)s x %(height)s pixels, at most %(limit)s "
            "megapixels. Send a smaller picture.", what=what, width=width, height=height,
            limit=int(IMAGE_MAX_RESOLUTION / 1e6)))
    try:
        # The file's structure (chunks and checksums), still without its pixels.
        image.verify()
    except Exception:  # Pillow raises many kinds on a broken file
        raise ValidationError(env._("The %(what)s is not an image.", what=what)) from None
    return data


class StockPicking(models.Model):
    _name = "stock.picking"
    _inherit = ["stock.picking", "csp.process.owned", "csp.batch"]
    # The distribution status and the customer's confirmation: only the
    # dispatch, the confirmation link, the rep's dialog and the cron write them.
    _csp_process_fields = frozenset({
        "csp_is_customer_delivery", "csp_delivery_state", "csp_shipped_at",
        "csp_delivered_at", "csp_confirmed_at", "csp_confirmed_by",
        "csp_confirmation_channel", "csp_confirmed_user_id", "csp_signature", "csp_photo",
        "csp_remarks", "csp_reminded_at", "csp_followup_error",
    })
    # The reminders and automatic confirmations: done by cron workers in
    # committed batches (see csp.batch).
    _csp_batch_jobs = {
        "delivery_remind": "customer_service_process.ir_cron_delivery_followup",
        "delivery_autoconfirm": "customer_service_process.ir_cron_delivery_autoconfirm",
    }
    _csp_batch_sizes = {"delivery_remind": 50, "delivery_autoconfirm": 100}

    csp_is_customer_delivery = fields.Boolean(
        compute="_compute_csp_is_customer_delivery", store=True,
        help="An outgoing delivery of a sales order: the customer confirms it.")
    csp_delivery_state = fields.Selection(
        DELIVERY_STATES, string="Distribution", compute="_compute_csp_delivery_state",
        store=True, index=True, tracking=True)
    csp_shipped_at = fields.Datetime(string="Shipped", readonly=True, copy=False)
    csp_delivered_at = fields.Datetime(
        string="Reported Delivered", readonly=True, copy=False,
        help="When the carrier or the driver reported the goods handed over.")
    csp_confirmed_at = fields.Datetime(string="Confirmed", readonly=True, copy=False)
    csp_confirmed_by = fields.Char(string="Confirmed by", readonly=True, copy=False)
    csp_confirmation_channel = fields.Selection(
        CONFIRMATION_CHANNELS, string="Confirmed through", readonly=True, copy=False)
    csp_confirmed_user_id = fields.Many2one(
        "res.users", string="Recorded by", readonly=True, copy=False)
    csp_signature = fields.Binary(string="Customer's Signature", readonly=True, copy=False,
                                  attachment=True)
    csp_photo = fields.Binary(string="Photo at Receipt", readonly=True, copy=False,
                              attachment=True)
    csp_remarks = fields.Text(string="Customer's Remarks", readonly=True, copy=False)
    csp_reminded_at = fields.Datetime(string="Reminder Sent", readonly=True, copy=False)
    csp_followup_error = fields.Text(
        string="Follow-up Error", readonly=True, copy=False,
        help="Why the automatic reminder or confirmation failed: the delivery is not "
             "tried again.")
    csp_access_token = fields.Char(
        copy=False, readonly=True, groups="base.group_system",
        help="The sha256 digest of the customer's confirmation link token; the token "
             "itself is only in the mail to the customer.")
    csp_shipment_proof = fields.Binary(
        string="Proof of Shipment", copy=False, attachment=True,
        help="The carrier's waybill or the signed shipping note (source document 003, "
             "5.2.4.8).")
    csp_shipment_proof_name = fields.Char(copy=False)
    csp_dispute_ids = fields.One2many("csp.delivery.dispute", "picking_id", string="Disputes")
    csp_complaint_id = fields.Many2one(
        "csp.complaint", string="Complaint", index="btree_not_null", copy=False,
        help="The complaint this return or replacement belongs to.")

    @api.depends("picking_type_code", "sale_id")
    def _compute_csp_is_customer_delivery(self):
        for picking in self:
            picking.csp_is_customer_delivery = bool(
                picking.picking_type_code == "outgoing" and picking.sale_id)

    @api.depends("state", "csp_is_customer_delivery", "csp_delivered_at", "csp_confirmed_at",
                 "csp_dispute_ids")
    def _compute_csp_delivery_state(self):
        for picking in self:
            if not picking.csp_is_customer_delivery or picking.state == "cancel":
                picking.csp_delivery_state = False
            elif picking.state != "done":
                picking.csp_delivery_state = "ready" if picking.state == "assigned" else "waiting"
            elif picking.csp_confirmed_at:
                picking.csp_delivery_state = "confirmed"
            elif picking.csp_dispute_ids:
                picking.csp_delivery_state = "disputed"
            elif picking.csp_delivered_at:
                picking.csp_delivery_state = "delivered"
            else:
                picking.csp_delivery_state = "shipped"

    # ------------------------------------------------------------ dispatch

    def _action_done(self):
        result = super()._action_done()
        shipped = self.filtered(lambda p: p.csp_is_customer_delivery and p.state == "done")
        collected = shipped.filtered(lambda p: p.sale_id.csp_pickup)
        if shipped - collected:
            (shipped - collected)._csp_dispatch()
        for picking in collected:
            # The customer takes the goods at the warehouse: his collection is
            # the confirmed delivery; the signed shipping note is its proof.
            picking.sudo().csp_shipped_at = fields.Datetime.now()
            picking._csp_confirm(picking.partner_id.name, "pickup")
        return result

    def _csp_dispatch(self):
        """The goods left: give each delivery its confirmation link and tell the
        customer what was shipped, by which carrier, with which tracking number."""
        now = fields.Datetime.now()
        template = self.env.ref("customer_service_process.mail_template_dispatch_notice",
                                raise_if_not_found=False)
        for picking in self.sudo():
            token = picking._csp_new_link_token()
            picking.write({"csp_shipped_at": now})
            # To the delivery address alone, on no thread: the link is his.
            send_private_mail(template, picking, picking.partner_id,
                              link=picking._csp_link(token))
            note = self.env._("Dispatch notice sent to %(customer)s%(carrier)s.",
                              customer=picking.partner_id.display_name,
                              carrier=picking._csp_carrier_text())
            picking.message_post(body=note)
            picking.sale_id.message_post(body=self.env._(
                "%(delivery)s shipped%(carrier)s.", delivery=picking.name,
                carrier=picking._csp_carrier_text()))

    def _csp_carrier_text(self):
        self.ensure_one()
        parts = []
        if self.carrier_id:
            parts.append(self.env._(" by %(carrier)s", carrier=self.carrier_id.name))
        if self.carrier_tracking_ref:
            parts.append(self.env._(", tracking %(ref)s", ref=self.carrier_tracking_ref))
        return "".join(parts)

    def _csp_new_link_token(self):
        """A fresh confirmation token: its digest is stored, any earlier link
        stops working, and the raw token is returned for the one mail."""
        self.ensure_one()
        token, digest = new_token()
        self.sudo().write({"csp_access_token": digest})
        return token

    def _csp_link(self, token):
        self.ensure_one()
        return f"{self.get_base_url()}/csp/delivery/{self.id}/{token}"

    def _csp_confirmation_url(self):
        """The customer's link, in the mail being rendered (the delivery keeps
        only the token's digest)."""
        self.ensure_one()
        return link_from_context(self)

    @api.model
    def _csp_from_token(self, picking_id, token, used=False):
        """The delivery the link points to, while it awaits the customer's
        answer, or nothing at all.  With `used`, also once answered: the
        digest stays after the answer (the state says the link is used) so
        that the page can say what happened."""
        picking = self.sudo().browse(int(picking_id)).exists()
        if not picking or not token_matches(picking.csp_access_token, token):
            return self.browse()
        if not used and picking.csp_delivery_state not in ("shipped", "delivered"):
            return self.browse()
        return picking

    def _csp_lock_for_answer(self):
        """Take the delivery's row lock before its answer is checked and
        written.  Of two answers sent at once (a double click, two devices),
        the second learns at once that the delivery is being answered,
        instead of writing too and ending in a serialization failure that
        Odoo retries.  False when another transaction holds or has just
        changed the row."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(SQL(
                    "SELECT 1 FROM stock_picking WHERE id = %s FOR NO KEY UPDATE NOWAIT",
                    self.id), log_exceptions=False)
        except (pg_errors.LockNotAvailable, pg_errors.SerializationFailure):
            return False
        return True

    # -------------------------------------------------------- confirmation

    def _csp_check_confirmable(self):
        for picking in self:
            if not picking.csp_is_customer_delivery:
                raise UserError(self.env._(
                    "%(delivery)s is not a delivery to a customer.", delivery=picking.name))
            if picking.state == "cancel":
                raise UserError(self.env._(
                    "%(delivery)s is cancelled: there is nothing to confirm.",
                    delivery=picking.name))
            if picking.state != "done":
                raise UserError(self.env._(
                    "%(delivery)s has not been shipped yet.", delivery=picking.name))
            if picking.csp_confirmed_at or picking.csp_dispute_ids:
                raise UserError(self.env._(
                    "%(delivery)s was already confirmed or disputed.", delivery=picking.name))

    def _csp_confirm(self, name, channel, signature=False, photo=False, remarks=False):
        """Record the customer's confirmation of receipt (as superuser: the
        caller checked who may confirm)."""
        self.ensure_one()
        self._csp_check_confirmable()
        name = (name or "").strip()
        if channel != "auto" and not name:
            raise UserError(self.env._("Say who received the goods."))
        signature = decode_image(signature, self.env._("signature"), self.env)
        photo = decode_image(photo, self.env._("photo"), self.env)
        picking = self.sudo()
        values = {
            "csp_confirmed_at": fields.Datetime.now(),
            "csp_confirmed_by": name or False,
            "csp_confirmation_channel": channel,
            "csp_confirmed_user_id": self.env.uid if channel in ("rep", "office") else False,
            "csp_signature": signature,
        }
        # A photo or remarks the customer added before confirming stay.
        if photo:
            values["csp_photo"] = photo
        if (remarks or "").strip():
            values["csp_remarks"] = remarks.strip()
        picking.write(values)
        channels = dict(self._fields["csp_confirmation_channel"]._description_selection(
            self.env))
        body = self.env._("Delivery confirmed (%(channel)s)%(by)s.", channel=channels[channel],
                          by=self.env._(" by %(name)s", name=name) if name else "")
        if picking.csp_remarks:
            body += " " + self.env._("Remarks: %(remarks)s", remarks=picking.csp_remarks)
        picking.message_post(body=body)
        picking.sale_id.message_post(body=self.env._(
            "%(delivery)s: %(body)s", delivery=picking.name, body=body))

    def _csp_add_receipt_note(self, remarks=False, photo=False):
        """The customer adds remarks or a photo before he confirms."""
        self.ensure_one()
        self._csp_check_confirmable()
        photo = decode_image(photo, self.env._("photo"), self.env)
        values = {}
        if photo:
            values["csp_photo"] = photo
        if (remarks or "").strip():
            values["csp_remarks"] = remarks.strip()
        if not values:
            raise UserError(self.env._("Add a remark or a photo."))
        self.sudo().write(values)

    def _csp_report_dispute(self, name, lines, remarks=False, photo=False):
        """The customer reports a problem: one dispute with a line per product
        (`lines`: [(move, problem, quantity, note)]).  Nothing is saved unless
        every line is right."""
        self.ensure_one()
        self._csp_check_confirmable()
        if not lines:
            raise UserError(self.env._("Say which product has a problem."))
        name = (name or "").strip()
        if not name:
            raise UserError(self.env._("Say who reports the problem."))
        photo = decode_image(photo, self.env._("photo"), self.env)
        values = []
        for move, problem, quantity, note in lines:
            if move.picking_id != self:
                raise UserError(self.env._("That product is not part of this delivery."))
            if quantity <= 0 or quantity > move.quantity:
                raise UserError(self.env._(
                    "%(product)s: the quantity with a problem must be between 0 and the "
                    "%(qty)s delivered.", product=move.product_id.display_name,
                    qty=move.quantity))
            values.append({"move_id": move.id, "product_id": move.product_id.id,
                           "problem": problem, "quantity": quantity, "note": note or False,
                           "delivered_qty": move.quantity})
        picking = self.sudo()
        dispute = self.env["csp.delivery.dispute"].sudo().create({
            "picking_id": picking.id,
            "reported_by": name,
            "remarks": (remarks or "").strip() or False,
            "photo": photo,
            "line_ids": [fields.Command.create(vals) for vals in values],
        })
        body = self.env._("%(name)s reported a problem with the delivery: %(lines)s",
                          name=name, lines=dispute._csp_summary())
        picking.message_post(body=body)
        picking.sale_id.message_post(body=self.env._(
            "%(delivery)s: %(body)s", delivery=picking.name, body=body))
        dispute._csp_notify()
        dispute.complaint_id = self.env["csp.complaint"]._csp_from_dispute(dispute)
        return dispute

    # ------------------------------------------------------------- actions

    def action_csp_confirm_delivery(self):
        """The rep, at the customer's, records the confirmation on his phone."""
        self.ensure_one()
        self.check_access("read")
        self._csp_check_confirmable()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Confirm %(delivery)s", delivery=self.name),
            "res_model": "csp.delivery.confirm",
            "view_mode": "form",
            "target": "new",
            "context": {"default_picking_id": self.id},
        }

    def action_csp_mark_delivered(self):
        """The carrier or driver reports the goods handed over."""
        for picking in self:
            picking.check_access("read")
            if picking.csp_delivery_state != "shipped":
                raise UserError(self.env._(
                    "%(delivery)s is not on its way.", delivery=picking.name))
        self.sudo().write({"csp_delivered_at": fields.Datetime.now()})
        for picking in self:
            picking.message_post(body=self.env._("Reported delivered."))
        return True

    def action_csp_resend_dispatch_notice(self):
        for picking in self:
            picking.check_access("read")
            if picking.csp_delivery_state not in ("shipped", "delivered"):
                raise UserError(self.env._(
                    "%(delivery)s does not wait for the customer's confirmation.",
                    delivery=picking.name))
        self._csp_dispatch()
        return True

    # ---------------------------------------------------------------- cron
    # Reminders and automatic confirmations are done by cron workers in
    # committed batches (the jobs "delivery_remind" and "delivery_autoconfirm"
    # of csp.batch): a delivery waiting for its customer is due once it was
    # shipped the company's number of days ago; reminding it writes
    # `csp_reminded_at`, confirming it its confirmation: either takes it out
    # of the job's domain in the transaction of its mail and messages.

    @api.model
    def _cron_csp_delivery_followup(self):
        """Both jobs, for a database whose cron (noupdate) still calls this
        method."""
        self._csp_batch_run("delivery_autoconfirm")
        return self._csp_batch_run("delivery_remind")

    @api.model
    def _csp_followup_domain(self, job):
        now = fields.Datetime.now()
        companies = self.env["res.company"].sudo().search([
            "|", ("csp_delivery_reminder_days", ">", 0), ("csp_delivery_autoconfirm_days", ">", 0)])
        waiting = [("csp_delivery_state", "in", ("shipped", "delivered")),
                   ("csp_shipped_at", "!=", False), ("csp_followup_error", "=", False)]
        if job == "delivery_autoconfirm":
            return list(Domain.AND([waiting, Domain.OR([
                [("company_id", "=", company.id), ("csp_shipped_at", "<=", now - timedelta(
                    days=company.csp_delivery_autoconfirm_days))]
                for company in companies.filtered("csp_delivery_autoconfirm_days")])]))
        per_company = []
        for company in companies.filtered("csp_delivery_reminder_days"):
            due = [("company_id", "=", company.id), ("csp_shipped_at", "<=", now - timedelta(
                days=company.csp_delivery_reminder_days))]
            if company.csp_delivery_autoconfirm_days:
                # Old enough to be confirmed: confirmed, not reminded.
                due.append(("csp_shipped_at", ">", now - timedelta(
                    days=company.csp_delivery_autoconfirm_days)))
            per_company.append(due)
        return list(Domain.AND([waiting, [("csp_reminded_at", "=", False)],
                                Domain.OR(per_company)]))

    def _csp_remind_delivery(self):
        """A reminder to each customer, with a new link (the raw token of the
        first one is nowhere to be found): the first link stops working."""
        reminder = self.env.ref("customer_service_process.mail_template_delivery_reminder",
                                raise_if_not_found=False)
        pickings = self.sudo()
        if reminder:
            for picking in pickings:
                token = picking._csp_new_link_token()
                send_private_mail(reminder, picking, picking.partner_id,
                                  link=picking._csp_link(token))
        pickings.write({"csp_reminded_at": fields.Datetime.now()})
        pickings._message_log_batch({picking.id: self.env._(
            "Reminder sent: the customer has not confirmed the delivery yet.")
            for picking in pickings})
        return self

    def _csp_auto_confirm(self):
        """Deliveries the customer did not answer in time are confirmed
        automatically: all in one write, their messages logged together."""
        self._csp_check_confirmable()
        pickings = self.sudo()
        pickings.write({
            "csp_confirmed_at": fields.Datetime.now(), "csp_confirmed_by": False,
            "csp_confirmation_channel": "auto", "csp_confirmed_user_id": False,
            "csp_signature": False,
        })
        channels = dict(self._fields["csp_confirmation_channel"]._description_selection(
            self.env))
        bodies = {}
        for picking in pickings:
            body = self.env._("Delivery confirmed (%(channel)s)%(by)s.",
                              channel=channels["auto"], by="")
            if picking.csp_remarks:
                body += " " + self.env._("Remarks: %(remarks)s", remarks=picking.csp_remarks)
            bodies[picking] = body
        pickings._message_log_batch({picking.id: body for picking, body in bodies.items()})
        # One message per delivery on its order: an order with several
        # deliveries confirmed here gets one in each round.
        rounds, count = [], {}
        for picking, body in bodies.items():
            if picking.sale_id:
                step = count[picking.sale_id.id] = count.get(picking.sale_id.id, -1) + 1
                if step == len(rounds):
                    rounds.append({})
                rounds[step][picking.sale_id.id] = self.env._(
                    "%(delivery)s: %(body)s", delivery=picking.name, body=body)
        for texts in rounds:
            self.env["sale.order"].sudo().browse(list(texts))._message_log_batch(texts)
        return self

    @api.model
    def _csp_batch_domain(self, job):
        if job in ("delivery_remind", "delivery_autoconfirm"):
            return self._csp_followup_domain(job)
        return super()._csp_batch_domain(job)

    def _csp_batch_process(self, job):
        if job == "delivery_remind":
            return self._csp_remind_delivery()
        if job == "delivery_autoconfirm":
            return self._csp_auto_confirm()
        return super()._csp_batch_process(job)

    def _csp_batch_failed(self, job, error):
        if job not in ("delivery_remind", "delivery_autoconfirm"):
            return super()._csp_batch_failed(job, error)
        picking = self.sudo()
        picking.csp_followup_error = str(error)
        picking._message_log(body=self.env._(
            "The delivery could not be followed up automatically: %(error)s", error=str(error)))
        return None
