from odoo import fields, models


class CspComplaintType(models.Model):
    """What a complaint is about, and how many working days it may take."""

    _name = "csp.complaint.type"
    _description = "Complaint Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    sla_days = fields.Float(
        string="Resolution Target (working days)", default=5.0,
        help="Working days from the complaint received to its resolution.")
    user_id = fields.Many2one(
        "res.users", string="Default Responsible",
        help="Who handles new complaints of this type; by default whom the process card's "
             "step Handle a complaint names (the head of sales, source document 003).")
    is_warranty = fields.Boolean(
        string="Warranty Claim",
        help="Complaints of this type are claims under the products' warranty: each says "
             "in or out of warranty from its delivery, and only in warranty gets a free "
             "replacement or credit note.")

    _code_unique = models.Constraint("UNIQUE (code)", "A complaint type code is unique.")
    _sla_positive = models.Constraint(
        "CHECK (sla_days >= 0)", "The resolution target cannot be negative.")
