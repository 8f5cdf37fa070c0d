"""A complaint filed by the customer on the portal: what he may complain
about (his delivered orders and their lines), the photos he sends, and the
complaint made from his form."""

import base64
import math
import mimetypes
import posixpath
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare
from odoo.tools.mimetypes import guess_mimetype

from .stock_picking import decode_image

# What a customer may attach to a complaint he files on the portal: at most
# this many photos (each at most stock_picking.MAX_IMAGE_BYTES), of the kinds
# every browser shows.
MAX_PORTAL_PHOTOS = 5
PORTAL_PHOTO_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp"})


class CspComplaint(models.Model):
    _inherit = "csp.complaint"

    def _csp_done_deliveries(self, orders):
        """The customer deliveries of `orders` that left the warehouse: what a
        customer may complain about."""
        deliveries = orders.sudo()._csp_deliveries()
        return self.env["stock.picking"].sudo().union(*deliveries.values()).filtered(
            lambda p: p.state == "done")

    @api.model
    def _csp_portal_orders(self, partner):
        """The orders of `partner`'s company (its commercial partner) with at
        least one done customer delivery, newest first."""
        return self.env["sale.order"].sudo().search([
            ("partner_id", "child_of", partner.commercial_partner_id.id),
            ("picking_ids", "any", [("csp_is_customer_delivery", "=", True),
                                    ("state", "=", "done")]),
        ], order="date_order desc, id desc")

    @api.model
    def _csp_portal_types(self):
        """The complaint types a customer chooses from."""
        return self.env["csp.complaint.type"].sudo().search([("active", "=", True)])

    @staticmethod
    def _csp_portal_id(value):
        """A record id from a form's text, or 0."""
        try:
            return max(int(value or 0), 0)
        except (TypeError, ValueError):
            return 0

    @api.model
    def _csp_portal_documents(self, partner, order_id, picking_id=None):
        """The order and the delivery (or no delivery: the whole order) a
        customer files a complaint about, as superuser, once checked: his
        own company's order, delivered; a done customer delivery of it.
        Someone else's order or delivery is answered as one that does not
        exist."""
        customer = partner.commercial_partner_id
        picking = self.env["stock.picking"].sudo().browse(
            self._csp_portal_id(picking_id)).exists()
        order = self.env["sale.order"].sudo().browse(self._csp_portal_id(order_id)).exists()
        if picking and not order:
            order = picking.sale_id
        if not order or order.partner_id.commercial_partner_id != customer:
            raise UserError(self.env._("We cannot find this order among yours."))
        deliveries = self._csp_done_deliveries(order)
        if not deliveries:
            raise UserError(self.env._(
                "%(order)s has not been delivered yet: you can file a complaint about it once "
                "it is delivered.", order=order.name))
        if picking_id and not picking:
            raise UserError(self.env._("We cannot find this delivery among yours."))
        if picking and picking not in deliveries:
            if picking.sale_id == order and picking.csp_is_customer_delivery:
                raise UserError(self.env._(
                    "%(delivery)s has not been delivered yet.", delivery=picking.name))
            raise UserError(self.env._("We cannot find this delivery among yours."))
        return order, picking

    @api.model
    def _csp_portal_moves(self, order, picking=None):
        """The delivered products a customer may complain about: the done
        moves of the delivery, or of all the order's done deliveries."""
        pickings = picking or self._csp_done_deliveries(order)
        return pickings.move_ids.filtered(lambda m: m.state == "done" and m.quantity > 0)

    @api.model
    def _csp_portal_lines(self, order, picking, quantities):
        """[(product, quantity)] from the form's quantities per delivered
        move ({move id: text}; empty means not chosen): each more than 0 and
        at most what that move delivered, on this order or delivery.  With
        them the delivery they all came from, when the customer did not say."""
        moves = self._csp_portal_moves(order, picking)
        chosen = self.env["stock.move"]
        per_product = defaultdict(float)
        for move_id, value in quantities.items():
            text = str(value if value is not None else "").strip()
            if not text:
                continue
            move = moves.filtered(lambda m, move_id=move_id: m.id == self._csp_portal_id(move_id))
            if not move:
                raise UserError(self.env._(
                    "That product is not part of this delivery."))
            try:
                quantity = float(text.replace(",", "."))
            except ValueError:
                quantity = math.nan
            if not math.isfinite(quantity):
                raise UserError(self.env._(
                    "%(product)s: give the quantity as a number.",
                    product=move.product_id.display_name))
            rounding = move.product_uom.rounding
            if (float_compare(quantity, 0.0, precision_rounding=rounding) <= 0
                    or float_compare(quantity, move.quantity, precision_rounding=rounding) > 0):
                raise UserError(self.env._(
                    "%(product)s: the quantity must be more than 0 and at most the %(qty)s "
                    "delivered.", product=move.product_id.display_name, qty=move.quantity))
            chosen |= move
            per_product[move.product_id] += quantity
        if not chosen:
            raise UserError(self.env._(
                "Give the quantity of at least one product the complaint is about."))
        if not picking and len(chosen.picking_id) == 1:
            picking = chosen.picking_id
        return list(per_product.items()), picking

    @api.model
    def _csp_portal_photos(self, photos):
        """[(file name, raw bytes)] from [(file name, base64)], each checked
        as the delivery page checks its photo (decode_image) and of a kind
        browsers show, its name ending as its kind."""
        photos = [(name, data) for name, data in photos if data]
        if len(photos) > MAX_PORTAL_PHOTOS:
            raise UserError(self.env._(
                "Send at most %(limit)s photos.", limit=MAX_PORTAL_PHOTOS))
        checked = []
        for filename, data in photos:
            name = posixpath.basename((filename or "").replace("\\", "/")).strip()[:120]
            what = self.env._("photo %(name)s", name=name) if name else self.env._("photo")
            raw = base64.b64decode(decode_image(data, what, self.env))
            mimetype = guess_mimetype(raw)
            if mimetype not in PORTAL_PHOTO_TYPES:
                raise ValidationError(self.env._("The %(what)s is not an image.", what=what))
            if mimetypes.guess_type(name)[0] != mimetype:
                name = f"{name or 'photo'}{mimetypes.guess_extension(mimetype) or ''}"
            checked.append((name, raw))
        return checked

    @api.model
    def _prepare_portal_complaint_line_vals(self, product, quantity):
        """The values of a complaint line the customer filed."""
        return {"product_id": product.id, "quantity": quantity}

    @api.model
    def _prepare_portal_complaint_vals(self, partner, order, picking, *, complaint_type,
                                       description, lines):
        """The values head office gives a complaint it registers for the
        order, on the channel *Portal*: the responsible, the stage, the
        received time and the deadline come from the same defaults and
        computation as theirs."""
        return {
            "company_id": order.company_id.id,
            "partner_id": order.partner_id.id,
            "order_id": order.id,
            "picking_id": picking.id or False,
            "type_id": complaint_type.id,
            "description": description,
            "channel": "portal",
            "line_ids": [fields.Command.create(
                self._prepare_portal_complaint_line_vals(product, quantity))
                for product, quantity in lines],
        }

    @api.model
    def _csp_create_from_portal(self, partner, vals):
        """The complaint a customer files on the portal (`partner`: the user's
        own partner), or a UserError / ValidationError saying what is wrong.

        `vals`: order_id, picking_id (optional), type_id, description,
        quantities {delivered move id: text} and photos [(file name, base64)].
        Portal users may not create complaints: once everything is checked,
        the complaint is created as superuser, in the order's company, with
        the values head office would give it; the photos are the customer's
        message on it."""
        order, picking = self._csp_portal_documents(
            partner, vals.get("order_id"), vals.get("picking_id"))
        complaint_type = self.env["csp.complaint.type"].sudo().browse(
            self._csp_portal_id(vals.get("type_id"))).exists()
        if not complaint_type.active:
            raise UserError(self.env._("Choose what the complaint is about."))
        description = (vals.get("description") or "").strip()
        if not description:
            raise UserError(self.env._("Describe what is wrong."))
        lines, picking = self._csp_portal_lines(order, picking, vals.get("quantities") or {})
        photos = self._csp_portal_photos(vals.get("photos") or [])
        complaint = self.sudo().with_company(order.company_id).create(
            self._prepare_portal_complaint_vals(
                partner, order, picking, complaint_type=complaint_type,
                description=description, lines=lines))
        if partner not in complaint.message_partner_ids:
            complaint.message_subscribe(partner.ids)
        if photos:
            complaint.message_post(
                body=self.env._("Photos sent with the complaint."), author_id=partner.id,
                message_type="comment", subtype_xmlid="mail.mt_comment", attachments=photos)
        return complaint.with_env(self.env)

    def _csp_customer_photos(self):
        """The pictures of the conversation the customer sees on the portal:
        those of its public messages."""
        self.ensure_one()
        messages = self.sudo().message_ids.filtered(
            lambda m: m.message_type in ("comment", "email") and not m.is_internal
            and not m.subtype_id.internal)
        return messages.attachment_ids.filtered(
            lambda a: (a.mimetype or "").startswith("image/")).sorted("id")
