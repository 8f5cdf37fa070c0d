from odoo import fields, models


class CspDunningLine(models.Model):
    """An overdue invoice in a letter: what is due, how late, at which level."""

    _name = "csp.dunning.line"
    _description = "Dunning Letter Line"
    _order = "letter_id, days_late desc, id"

    letter_id = fields.Many2one("csp.dunning.letter", required=True, ondelete="cascade",
                                index=True)
    company_id = fields.Many2one(related="letter_id.company_id", store=True)
    partner_id = fields.Many2one(related="letter_id.partner_id", store=True)
    move_id = fields.Many2one("account.move", string="Invoice", required=True, index=True)
    invoice_date_due = fields.Date(related="move_id.invoice_date_due", string="Due")
    currency_id = fields.Many2one("res.currency", required=True)
    amount_residual = fields.Monetary(string="Amount Due", currency_field="currency_id")
    days_late = fields.Integer()
    level_id = fields.Many2one("csp.dunning.level", required=True)
    new_level = fields.Boolean(
        string="Reminded", help="The invoice reaches this level now; otherwise it is only "
                                "listed in the letter.")
    fee_amount = fields.Monetary(string="Fee", currency_field="currency_id")
    fee_move_id = fields.Many2one("account.move", string="Fee Invoice", readonly=True)
    excluded = fields.Boolean(help="Left out of the letter.")
    removed_reason = fields.Char(string="Why Left Out", readonly=True)
