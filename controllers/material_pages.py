"""A sales material's page and its files, as its customer sees them both
from the mailed link (link_material.py) and on the portal
(portal_material.py).

A material that is no longer current says so to whoever holds its link
(HTTP 410)."""

from odoo import fields
from odoo.http import request
from odoo.tools import format_date

# An expired material: the page says so, with this status.
GONE = 410


class MaterialPages:
    """Mixed into the link's controller and the portal's."""

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
