from odoo import fields, models


class CspProcessRole(models.Model):
    """A role of the responsibility matrix (source document 003): head of
    sales, office manager, sales manager / rep, planning, warehouse, accountant."""

    _name = "csp.process.role"
    _description = "Process Role"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    group_id = fields.Many2one("res.groups", string="Odoo Group",
                               help="The user group that holds this role in Odoo.")
    active = fields.Boolean(default=True)
