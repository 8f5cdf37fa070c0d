"""A record reached by a personal link (see csp_link): an approver's
feasibility check, a customer's delivery, a customer's sales material.

The link is ``/csp/<_csp_link_path>/<record id>/<token>``; the record keeps
the token's digest in ``_csp_link_token_field`` (a field only administrators
read).  One way to make a link, to build its URL and to find the record
from it; each model says in ``_csp_link_open`` while its link still leads to
an answer."""

from odoo import api, models

from .csp_link import new_token, token_matches


class CspLinkMixin(models.AbstractModel):
    _name = "csp.link.mixin"
    _description = "Record Reached by a Personal Link"

    # Override on the model: the link's path segment and the digest's field.
    _csp_link_path = None
    _csp_link_token_field = "access_token"

    def _csp_new_link_tokens(self):
        """A fresh token for each record: its digest is stored (any earlier
        link stops working) and the raw tokens are returned, {id: token}, for
        the one mail each."""
        tokens = {}
        for record in self.sudo():
            token, digest = new_token()
            record[self._csp_link_token_field] = digest
            tokens[record.id] = token
        return tokens

    def _csp_link(self, token):
        """The record's link for the raw `token`."""
        self.ensure_one()
        return f"{self.get_base_url()}/csp/{self._csp_link_path}/{self.id}/{token}"

    def _csp_link_open(self):
        """Hook: whether the record's link still leads to an answer (a
        pending decision, a delivery awaiting its customer).  Override."""
        self.ensure_one()
        return True

    @api.model
    def _csp_from_token(self, record_id, token, used=False):
        """The record the link points to while its link is open, or nothing
        at all.  With `used`, also once answered: the digest stays after the
        answer so that the page can say what happened."""
        record = self.sudo().browse(int(record_id)).exists()
        if not record or not token_matches(record[self._csp_link_token_field], token):
            return self.browse()
        if not used and not record._csp_link_open():
            return self.browse()
        return record
