from odoo import fields, models


class MailMail(models.Model):
    _inherit = "mail.mail"

    csp_material_send_id = fields.Many2one(
        "csp.sales.material.send", index="btree_not_null", ondelete="set null",
        help="The sales material this e-mail carries: its sending is timed.")

    def _postprocess_sent_message(self, success_pids, success_emails, failure_reason=False,
                                  failure_type=None):
        sent = self.filtered("csp_material_send_id")
        if sent and not failure_type:
            sent.csp_material_send_id._csp_mark_sent()
        return super()._postprocess_sent_message(
            success_pids, success_emails, failure_reason=failure_reason,
            failure_type=failure_type)
