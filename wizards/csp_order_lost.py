"""Mark a quotation lost, with Odoo's lost reasons (source document 004):
the quotation is cancelled with its reason, and the inquiry it was made
from is lost with the same reason once none of its quotations is left."""

from odoo import fields, models


class CspOrderLost(models.TransientModel):
    _name = "csp.order.lost"
    _description = "Mark Quotations Lost"

    order_ids = fields.Many2many("sale.order", string="Quotations", required=True)
    lost_reason_id = fields.Many2one("crm.lost.reason", string="Lost Reason", required=True)

    def action_mark_lost(self):
        self.ensure_one()
        orders = self.order_ids
        orders._csp_check_quotations()
        orders.check_access("write")
        orders.with_context(disable_cancel_warning=True)._action_cancel()
        orders.sudo().write({"csp_lost_reason_id": self.lost_reason_id.id})
        for lead in orders.opportunity_id:
            if all(order.state == "cancel" for order in lead.order_ids):
                lead.action_set_lost(lost_reason_id=self.lost_reason_id.id)
        return {"type": "ir.actions.act_window_close"}
