from odoo import fields, models


class CspComplaintStage(models.Model):
    """A step of a complaint's handling (source document 004: each step has
    its responsible)."""

    _name = "csp.complaint.stage"
    _description = "Complaint Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    fold = fields.Boolean()
    is_closed = fields.Boolean(
        string="Closes the Complaint",
        help="The complaint is over: its invoices are no longer disputed.")
    user_id = fields.Many2one(
        "res.users", string="Responsible",
        help="Complaints entering this stage are handed to this person.")

    _code_unique = models.Constraint("UNIQUE (code)", "A complaint stage code is unique.")
