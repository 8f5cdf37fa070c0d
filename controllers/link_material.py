"""The customer's sales material link, mailed to him: no login, his own
token; opening it records the receipt.  A wrong or altered token gets a
plain 404."""

from odoo import http
from odoo.http import request

from .material_pages import MaterialPages


class MaterialLink(MaterialPages, http.Controller):

    # Not a website page: a wrong token gets a plain 404, without the
    # frontend's error page and its company.
    @http.route("/csp/material/<int:send_id>/<string:token>", type="http", auth="public",
                website=False)
    def portal_material_link(self, send_id, token, **kwargs):
        """The link of the e-mail: records the receipt, shows the files."""
        send = self._csp_send_or_404(send_id, token)
        if not send.material_id.is_current:
            return self._csp_expired_page(send)
        send._csp_mark_received("email")
        return self._csp_material_page(send, f"/csp/material/{send.id}/{token}")

    @http.route("/csp/material/<int:send_id>/<string:token>/<int:attachment_id>",
                type="http", auth="public")
    def portal_material_file(self, send_id, token, attachment_id, **kwargs):
        return self._csp_material_file(self._csp_send_or_404(send_id, token), attachment_id)

    def _csp_send_or_404(self, send_id, token):
        send = request.env["csp.sales.material.send"]._csp_from_token(send_id, token)
        if not send:
            raise request.not_found()
        return send
