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

from PIL import Image
from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.image import IMAGE_MAX_RESOLUTION

from .csp_link import link_from_context, send_private_mail

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
    _inherit = ["stock.picking", "csp.process.owned", "csp.batch", "csp.link.mixin"]
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
    # The customer's confirmation link: /csp/delivery/<id>/<token>.
    _csp_link_path = "delivery"
    _csp_link_token_field = "csp_access_token"

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

    @api.model
    def get_empty_list_help(self, help_message):
        """A rep's own deliveries say what will appear there (the action's
        help), not the warehouse's "create a transfer, install barcode"."""
        if self.env.context.get("csp_own_help"):
            return help_message
        return super().get_empty_list_help(help_message)

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
        for picking in self.sudo():
            token = picking._csp_new_link_tokens()[picking.id]
            picking.write({"csp_shipped_at": now})
            # To the delivery address alone, on no thread: the link is his.
            send_private_mail("mail_template_dispatch_notice", picking, picking.partner_id,
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

    def _csp_confirmation_url(self):
        """The customer's link, in the mail being rendered (the delivery keeps
        only the token's digest)."""
        self.ensure_one()
        return link_from_context(self)

    def _csp_link_open(self):
        # The customer answers a delivery once, while it awaits him.
        self.ensure_one()
        return self.csp_delivery_state in ("shipped", "delivered")

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
