from odoo import fields, models


class SurveyUserInput(models.Model):
    _name = "survey.user_input"
    _inherit = ["survey.user_input", "csp.process.owned"]
    # Which order an answer rates is set when the invitation is made.
    _csp_process_fields = frozenset({"csp_order_id"})

    csp_order_id = fields.Many2one(
        "sale.order", string="Order", index="btree_not_null", readonly=True,
        help="The order this satisfaction survey is about.")

    def _mark_done(self):
        result = super()._mark_done()
        for answer in self.filtered("csp_order_id"):
            answer.csp_order_id.sudo()._csp_record_feedback(answer.sudo())
        return result
