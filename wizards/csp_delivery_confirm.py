from odoo import api, fields, models


class CspDeliveryConfirm(models.TransientModel):
    """A field rep (or head office) records, at the customer's, that the
    customer received the goods: his name and his signature on the phone."""

    _name = "csp.delivery.confirm"
    _description = "Confirm Delivery"

    picking_id = fields.Many2one("stock.picking", required=True, ondelete="cascade")
    partner_id = fields.Many2one(related="picking_id.partner_id")
    move_ids = fields.One2many(related="picking_id.move_ids", string="Delivered")
    received_by = fields.Char(string="Received by", required=True)
    signature = fields.Binary(string="Signature")
    photo = fields.Image(string="Photo", max_width=1920, max_height=1920)
    remarks = fields.Text()

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        picking = self.env["stock.picking"].browse(values.get("picking_id"))
        if picking and "received_by" in fields_list:
            values.setdefault("received_by", picking.partner_id.name)
        return values

    def action_confirm(self):
        self.ensure_one()
        picking = self.picking_id
        picking.check_access("read")
        channel = "rep" if self.env.user.has_group(
            "customer_service_process.group_field_rep") else "office"
        picking._csp_confirm(self.received_by, channel, signature=self.signature,
                             photo=self.photo, remarks=self.remarks)
        return {"type": "ir.actions.act_window_close"}
