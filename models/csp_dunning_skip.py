from odoo import fields, models


class CspDunningSkip(models.Model):
    """An overdue invoice a run left alone, and why (a pause)."""

    _name = "csp.dunning.skip"
    _description = "Dunning Pause"
    _order = "run_id, partner_id, id"

    run_id = fields.Many2one("csp.dunning.run", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="run_id.company_id", store=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    move_id = fields.Many2one("account.move", string="Invoice", required=True)
    reason = fields.Char(required=True)
