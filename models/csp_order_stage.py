from odoo import fields, models


class CspOrderStage(models.Model):
    """A stage of the order's way through the process (PROCESS.md, b-f).

    The stage of an order is never typed: each stage's `code` names a method
    `_csp_stage_<code>` of sale.order that says, for a batch of orders, which
    reached the stage and for which it does not apply.  A feature adds a
    stage by adding a record and that method; nothing else changes.
    """

    _name = "csp.order.stage"
    _description = "Order Process Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Names the method sale.order._csp_stage_<code>.")
    sequence = fields.Integer(default=10)
    kind = fields.Selection(
        [("entry", "Before the order"), ("chain", "Step of the process"),
         ("exit", "Way out of the process")],
        required=True, default="chain",
        help="Steps follow one another; a way out (refused, cancelled) ends the "
             "order's process wherever it stood.  What comes before the order (the "
             "inquiry) is only in its process log.")
    fold = fields.Boolean(help="Folded in the order's status bar.")
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)

    _code_unique = models.Constraint("UNIQUE(code)", "Each process stage has its own code.")
