from odoo import fields, models


class CspDunningWizard(models.TransientModel):
    """Run dunning for a company on a date: the draft run to review."""

    _name = "csp.dunning.wizard"
    _description = "Run Dunning"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)])
    date = fields.Date(required=True, default=fields.Date.context_today)

    def action_run(self):
        self.ensure_one()
        run = self.env["csp.dunning.run"].with_company(self.company_id)._csp_create_run(
            self.company_id, self.date)
        return {
            "type": "ir.actions.act_window",
            "res_model": "csp.dunning.run",
            "res_id": run.id,
            "view_mode": "form",
            "target": "current",
        }
