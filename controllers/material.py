"""Sales materials: the mailed link and the customer's own pages.

A material that is no longer current says so to whoever holds its link
(HTTP 410); a wrong or altered token gets a plain 404."""

from odoo import fields, http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.http import request
from odoo.tools import format_date

# An expired material: the page says so, with this status.
GONE = 410


class MaterialPortal(CustomerPortal):

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

    @http.route("/my/materials/<int:send_id>", type="http", auth="user", website=True)
    def portal_my_material(self, send_id, **kwargs):
        """The same page for the logged-in customer: his own sends, no token
        (the send keeps only the digest of the e-mail's)."""
        send = self._csp_my_send(send_id)
        if not send.material_id.is_current:
            return self._csp_expired_page(send)
        send._csp_mark_received("portal")
        return self._csp_material_page(send, f"/my/materials/{send.id}")

    @http.route("/my/materials/<int:send_id>/<int:attachment_id>", type="http", auth="user")
    def portal_my_material_file(self, send_id, attachment_id, **kwargs):
        return self._csp_material_file(self._csp_my_send(send_id), attachment_id)

    def _csp_send_or_404(self, send_id, token):
        send = request.env["csp.sales.material.send"]._csp_from_token(send_id, token)
        if not send:
            raise request.not_found()
        return send

    def _csp_my_send(self, send_id):
        """The logged-in customer's own send (current or not), or a 404."""
        partner = request.env.user.partner_id.commercial_partner_id
        send = request.env["csp.sales.material.send"].sudo().browse(send_id).exists()
        if not send or send.partner_id.commercial_partner_id != partner:
            raise request.not_found()
        return send

    @staticmethod
    def _csp_layout_values(send):
        company = send.material_id.company_id.sudo()
        return {"company": company, "res_company": company,
                "title": f"{company.name} - {send.material_id.name}"}

    def _csp_material_page(self, send, files_url):
        return request.render("customer_service_process.portal_material_page", dict(
            self._csp_layout_values(send),
            material=send.material_id, send=send, files_url=files_url))

    def _csp_expired_page(self, send):
        """The material is no longer (or not yet) valid: say so, and since when."""
        material = send.material_id
        env = material.with_context(lang=send.partner_id.lang or request.env.lang).env
        today = fields.Date.context_today(material)
        expired = bool(material.valid_to and material.valid_to < today)
        return request.render("customer_service_process.portal_material_expired", dict(
            self._csp_layout_values(send), material=material, expired=expired,
            valid_to=format_date(env, material.valid_to) if material.valid_to else ""),
            status=GONE)

    def _csp_material_file(self, send, attachment_id):
        """One file of a current material, streamed by Odoo (its name may
        hold any character: the Content-Disposition is built for it)."""
        material = send.material_id
        if attachment_id not in material.attachment_ids.ids:
            raise request.not_found()
        if not material.is_current:
            return self._csp_expired_page(send)
        attachment = material.attachment_ids.browse(attachment_id).sudo()
        return request.env["ir.binary"]._get_stream_from(attachment).get_response(
            as_attachment=True)

    @http.route("/my/materials", type="http", auth="user", website=True)
    def portal_my_materials(self, **kwargs):
        """The customer's current materials; expired ones are gone."""
        partner = request.env.user.partner_id.commercial_partner_id
        sends = request.env["csp.sales.material.send"].sudo().search([
            ("partner_id", "=", partner.id), ("material_id.is_current", "=", True)])
        values = self._prepare_portal_layout_values()
        values.update({"sends": sends, "page_name": "csp_materials"})
        return request.render("customer_service_process.portal_my_materials", values)
