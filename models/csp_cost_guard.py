"""Costs and margins are head office's business: field reps do not see them.

Product costs carry the field-level group (the ORM enforces it everywhere).
Margins cannot: Odoo computes them as the user who writes an order line, so
a field group would stop a rep from writing his own quotation.  Their public
read paths (read, web_read, search_read, export, read_group and the web
client's grouped reads) check the group instead, and the views hide them.
"""

from odoo import models
from odoo.exceptions import AccessError

COST_VIEWER = "customer_service_process.group_cost_viewer"


def may_see_costs(env):
    return env.su or env.user.has_group(COST_VIEWER)


def readable_fields(records, fnames, cost_fields):
    """The fields `records` may read: all of `fnames` (every field when
    None, less the cost fields for whoever may not see costs), or an
    AccessError naming the cost fields asked for."""
    if may_see_costs(records.env):
        return fnames
    if fnames is None:
        return [name for name, field in records._fields.items()
                if name not in cost_fields and records._has_field_access(field, "read")]
    asked = {name.split(":")[0].split(".")[0] for name in fnames} & cost_fields
    if asked:
        raise AccessError(records.env._(
            "You are not allowed to see costs and margins (%(fields)s on %(model)s).",
            fields=", ".join(sorted(asked)), model=records._description))
    return fnames


class CspCostGuard(models.AbstractModel):
    """Mixed into the models whose margins must stay hidden from reps."""

    _name = "csp.cost.guard"
    _description = "Costs and Margins Guard"
    _csp_cost_fields = frozenset()

    def read(self, fields=None, load="_classic_read"):
        return super().read(readable_fields(self, fields, self._csp_cost_fields), load=load)

    def export_data(self, fields_to_export):
        readable_fields(self, [f.replace("/", ".") for f in fields_to_export],
                        self._csp_cost_fields)
        return super().export_data(fields_to_export)

    def formatted_read_group(self, domain, groupby=(), aggregates=(), *args, **kwargs):
        readable_fields(self, list(groupby) + list(aggregates), self._csp_cost_fields)
        return super().formatted_read_group(domain, groupby, aggregates, *args, **kwargs)

    def read_group(self, domain, fields, groupby, *args, **kwargs):
        readable_fields(self, list(fields) + list(groupby if isinstance(groupby, list)
                                                  else [groupby]), self._csp_cost_fields)
        return super().read_group(domain, fields, groupby, *args, **kwargs)
