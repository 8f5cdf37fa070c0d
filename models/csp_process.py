from odoo import api, fields, models


class CspProcess(models.Model):
    """A process card in the tabular form of source document 000: what the
    (sub)process is for, who owns it, what it takes and gives, and how it is
    measured."""

    _name = "csp.process"
    _description = "Process Card"
    _inherit = ["mail.thread", "csp.process.cache"]
    _order = "sequence, id"
    _parent_store = True

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(help="The letter of the subprocess in the process description.")
    sequence = fields.Integer(default=10)
    parent_id = fields.Many2one("csp.process", string="Main Process", index=True,
                                ondelete="restrict")
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("csp.process", "parent_id", string="Subprocesses")
    process_type = fields.Selection(
        [("main", "Main"), ("supporting", "Supporting"), ("management", "Management")],
        string="Type", required=True, default="main", tracking=True)
    owner_id = fields.Many2one("res.users", tracking=True,
                               help="The person who leads the process and answers for it.")
    owner_role_id = fields.Many2one("csp.process.role")
    general_goals = fields.Text(translate=True)
    specific_goals = fields.Text(translate=True, help="Measurable targets.")
    resources = fields.Text(translate=True, help="People, information and tools it needs.")
    inputs = fields.Text(string="Information Inputs", translate=True)
    outputs = fields.Text(string="Information Outputs", translate=True)
    suppliers = fields.Text(string="Suppliers of the Process", translate=True)
    customers = fields.Text(string="Customers of the Process", translate=True)
    step_ids = fields.One2many("csp.process.step", "process_id", string="Steps", copy=True)
    metric_ids = fields.One2many("csp.process.metric", "process_id", string="Metrics", copy=True)
    company_id = fields.Many2one("res.company", help="Empty: the card is shared by all companies.")
    active = fields.Boolean(default=True)
    has_gap = fields.Boolean(compute="_compute_gap",
                             help="A step that plans work names nobody in this company.")
    gap_text = fields.Char(compute="_compute_gap")

    @api.depends_context("company")
    @api.depends("step_ids.has_gap")
    def _compute_gap(self):
        for card in self:
            gaps = card.step_ids.filtered("has_gap")
            card.has_gap = bool(gaps)
            card.gap_text = ", ".join(gaps.mapped("name"))

    def _csp_matrix_roles(self):
        """The roles that have a part in any step, in matrix column order."""
        steps = self.step_ids
        return (steps.responsible_role_ids | steps.performer_role_ids).sorted()
