from odoo import models


class AccountMoveReversal(models.TransientModel):
    _inherit = "account.move.reversal"

    def reverse_moves(self, is_modify=False):
        result = super().reverse_moves(is_modify=is_modify)
        complaint_id = self.env.context.get("csp_complaint_id")
        if complaint_id and self.new_move_ids:
            complaint = self.env["csp.complaint"].browse(complaint_id)
            self.new_move_ids.sudo().csp_complaint_id = complaint
            complaint.message_post(body=self.env._(
                "Credit note %(moves)s created for this complaint.",
                moves=", ".join(self.new_move_ids.mapped("display_name"))))
        return result
