from odoo import models


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(self, modules, langs, overwrite=False):
        """A language loaded after the dunning levels were made: their
        default names get its words too (they are records made by code, not
        data with an XML id, which Odoo's terms would reach)."""
        result = super()._load_module_terms(modules, langs, overwrite=overwrite)
        if "customer_service_process" in modules and "csp.dunning.level" in self.env:
            self.env["csp.dunning.level"]._csp_translate_defaults(langs)
        return result
