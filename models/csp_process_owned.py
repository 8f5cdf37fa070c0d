"""State the process derives is written only by the process.

`readonly=True` on a field shapes the form; an RPC `write` or `create` would
still store it.  A model lists the fields its process owns in
`_csp_process_fields`; the ORM then refuses them to every user on every
write path (write, create, default_* context keys, translations), and the
code that owns them writes with `sudo()` after its own checks.  It is the
ORM's own field-access hook, so `fields_get` shows them read-only too.

`_csp_field_write_groups` does the same for fields that one group decides
(a dunning pause is the accountants'): others read them, only that group
writes them.
"""

from odoo import api, models
from odoo.exceptions import AccessError


class CspProcessOwned(models.AbstractModel):
    _name = "csp.process.owned"
    _description = "Fields Written Only by the Process"

    # Override on the model: the names of the fields only the process writes,
    # and {field name: group xml id} for fields only one group writes.
    _csp_process_fields = frozenset()
    _csp_field_write_groups = {}

    def _csp_write_refused(self, field):
        """Why the current user may not write `field`, or None."""
        if self.env.su:
            return None
        if field.name in self._csp_process_fields:
            return self.env._(
                "%(field)s on %(model)s is set by the process; it cannot be changed by hand.",
                field=field._description_string(self.env), model=self._description)
        group = self._csp_field_write_groups.get(field.name)
        if group and not self.env.user.has_group(group):
            return self.env._(
                "Only %(group)s may change %(field)s on %(model)s.",
                group=self.env.ref(group).sudo().full_name,
                field=field._description_string(self.env), model=self._description)
        return None

    @api.model
    def _has_field_access(self, field, operation):
        if operation == "write" and self._csp_write_refused(field):
            return False
        return super()._has_field_access(field, operation)

    @api.model
    def _check_field_access(self, field, operation):
        if operation == "write" and (refused := self._csp_write_refused(field)):
            raise AccessError(refused)
        return super()._check_field_access(field, operation)
