"""The customer's answer to a delivery: his confirmation of receipt (from
his link, a field rep's dialog, or the automatic confirmation) or the
problem he reports, lines and photos."""


from odoo import fields, models
from odoo.exceptions import UserError

from .stock_picking import decode_image


class StockPicking(models.Model):
    _inherit = "stock.picking"


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
