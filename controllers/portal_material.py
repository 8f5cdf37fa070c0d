"""The logged-in customer's sales materials on the portal: the current ones
listed under /my, each one's page and files (his own sends only)."""

from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.http import request

from .material_pages import MaterialPages


class MaterialPortal(MaterialPages, CustomerPortal):

    @http.route("/my/materials", type="http", auth="user", website=True)
    def portal_my_materials(self, **kwargs):
        """The customer's current materials; expired ones are gone."""
        partner = request.env.user.partner_id.commercial_partner_id
        sends = request.env["csp.sales.material.send"].sudo().search([
            ("partner_id", "=", partner.id), ("material_id.is_current", "=", True)])
        values = self._prepare_portal_layout_values()
        values.update({"sends": sends, "page_name": "csp_materials"})
        return request.render("customer_service_process.portal_my_materials", values)

    @http.route("/my/materials/<int:send_id>", type="http", auth="user", website=True)
    def portal_my_material(self, send_id, **kwargs):
        """The same page as the mailed link's, for the logged-in customer: his
        own sends, no token (the send keeps only the digest of the e-mail's)."""
        send = self._csp_my_send(send_id)
        if not send.material_id.is_current:
            return self._csp_expired_page(send)
        send._csp_mark_received("portal")
        return self._csp_material_page(send, f"/my/materials/{send.id}")

    @http.route("/my/materials/<int:send_id>/<int:attachment_id>", type="http", auth="user")
    def portal_my_material_file(self, send_id, attachment_id, **kwargs):
        return self._csp_material_file(self._csp_my_send(send_id), attachment_id)

    def _csp_my_send(self, send_id):
        """The logged-in customer's own send (current or not), or a 404."""
        partner = request.env.user.partner_id.commercial_partner_id
        send = request.env["csp.sales.material.send"].sudo().browse(send_id).exists()
        if not send or send.partner_id.commercial_partner_id != partner:
            raise request.not_found()
        return send
