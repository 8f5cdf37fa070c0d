from odoo import api, models


class CspProcessCache(models.AbstractModel):
    """What the process cards' targets and responsibility matrix are read
    from (cards, metrics, targets, steps, rules, roles, their holders): a
    change clears the cached reading (`csp.process.metric._csp_target_table`,
    `csp.process.step._csp_matrix`), so that the next timer, report or
    activity follows it."""

    _name = "csp.process.cache"
    _description = "Process Card Cache"

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()
