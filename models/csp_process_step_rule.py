from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval


class CspProcessStepRule(models.Model):
    """"The responsible person changes with the deal's conditions" (source
    document 004): when the record of a step's work matches the rule's
    conditions, the rule's role takes the step instead of the matrix's."""

    _name = "csp.process.step.rule"
    _inherit = ["csp.process.cache"]
    _description = "Process Step Rule"
    _order = "step_id, sequence, id"

    step_id = fields.Many2one("csp.process.step", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Condition", required=True, translate=True,
                       help="What the rule is about, e.g. 'Orders above 50,000'.")
    model_name = fields.Char(related="step_id.rule_model")
    domain = fields.Char(string="Records It Applies To", default="[]", required=True)
    role_id = fields.Many2one("csp.process.role", string="Then Responsible",
                              help="The role that takes the step when the record matches.")

    @api.constrains("role_id", "domain", "step_id")
    def _check_rule(self):
        for rule in self:
            if not rule.role_id:
                raise ValidationError(self.env._(
                    "The rule %(rule)s names nobody: choose the role that takes the step "
                    "when a record matches.", rule=rule.name))
            if not rule.model_name:
                raise ValidationError(self.env._(
                    "The step %(step)s plans no work of the process: a rule there would "
                    "decide nothing.", step=rule.step_id.name))
            try:
                with self.env.cr.savepoint():
                    self.env[rule.model_name].sudo().search_count(rule._csp_domain(), limit=1)
            except Exception as error:  # any mistake in a typed domain
                raise ValidationError(self.env._(
                    "The conditions of %(rule)s cannot be read: %(error)s",
                    rule=rule.name, error=error)) from error

    def _csp_domain(self):
        self.ensure_one()
        return safe_eval(self.domain or "[]", {"uid": self.env.uid})
