from odoo import api, fields, models

from .csp_cost_guard import COST_VIEWER

# Changing any of these on a checked quotation's line voids its approval.
CHECKED_LINE_FIELDS = frozenset({
    "product_id", "product_uom_qty", "product_uom_id", "price_unit", "discount",
    "display_type",
})


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # Costs and margins are the cost viewers' (reps have none of its groups):
    # the field group is the one guard the ORM applies on every read path -
    # read, search_read, grouped reads, export, domains and ordering.  A rep
    # still writes his own quotations because the figures are computed as
    # superuser (`compute_sudo`) when the line is flushed, not precomputed in
    # the writer's environment before the insert.
    purchase_price = fields.Float(groups=COST_VIEWER, compute_sudo=True, precompute=False)
    margin = fields.Float(groups=COST_VIEWER, compute_sudo=True, precompute=False)
    margin_percent = fields.Float(groups=COST_VIEWER, compute_sudo=True, precompute=False)

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._csp_reset_approval(self.env._("a line was added"))
        return lines

    def write(self, vals):
        result = super().write(vals)
        changed = CHECKED_LINE_FIELDS & set(vals)
        if changed:
            self._csp_reset_approval(self.env._("a line changed (%(fields)s)", fields=", ".join(
                self._fields[name]._description_string(self.env)
                for name in sorted(changed))))
        return result

    def unlink(self):
        orders = self.order_id
        result = super().unlink()
        if not self.env.context.get("csp_keep_approval"):
            orders.exists()._csp_reset_approval(self.env._("a line was removed"))
        return result

    def _csp_reset_approval(self, why):
        if self and not self.env.context.get("csp_keep_approval"):
            self.order_id._csp_reset_approval(why)
