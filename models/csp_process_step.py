from odoo import fields, models


class CspProcessStep(models.Model):
    """A row of the responsibility matrix: who is Responsible and who
    Performs one step of a process."""

    _name = "csp.process.step"
    _description = "Process Step"
    _order = "process_id, sequence, id"

    process_id = fields.Many2one("csp.process", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    responsible_role_ids = fields.Many2many(
        "csp.process.role", "csp_process_step_responsible_rel", "step_id", "role_id",
        string="Responsible (R)")
    performer_role_ids = fields.Many2many(
        "csp.process.role", "csp_process_step_performer_rel", "step_id", "role_id",
        string="Performs (P)")

    def _csp_matrix_cell(self, role):
        """'R/P', 'R', 'P' or '' for this step and role."""
        self.ensure_one()
        marks = []
        if role in self.responsible_role_ids:
            marks.append("R")
        if role in self.performer_role_ids:
            marks.append("P")
        return "/".join(marks)
