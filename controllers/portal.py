"""The customer's complaints on the portal: the list, each one with its
status and its conversation."""

from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError
from odoo.http import request


class ComplaintPortal(CustomerPortal):

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "csp_complaint_count" in counters:
            Complaint = request.env["csp.complaint"]
            values["csp_complaint_count"] = Complaint.search_count(
                self._csp_complaints_domain()) if Complaint.has_access("read") else 0
        return values

    def _csp_complaints_domain(self):
        partner = request.env.user.partner_id
        return [("commercial_partner_id", "=", partner.commercial_partner_id.id)]

    @http.route(["/my/complaints", "/my/complaints/page/<int:page>"], type="http",
                auth="user", website=True)
    def portal_my_complaints(self, page=1, **kwargs):
        Complaint = request.env["csp.complaint"]
        domain = self._csp_complaints_domain()
        count = Complaint.search_count(domain)
        pager = portal_pager(url="/my/complaints", total=count, page=page,
                             step=self._items_per_page)
        complaints = Complaint.search(domain, limit=self._items_per_page, offset=pager["offset"])
        values = self._prepare_portal_layout_values()
        values.update({
            "complaints": complaints, "pager": pager, "page_name": "csp_complaints",
            "default_url": "/my/complaints",
        })
        return request.render("customer_service_process.portal_my_complaints", values)

    @http.route("/my/complaints/<int:complaint_id>", type="http", auth="public", website=True)
    def portal_my_complaint(self, complaint_id, access_token=None, **kwargs):
        try:
            complaint = self._document_check_access("csp.complaint", complaint_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(
            complaint, access_token, {"complaint": complaint, "page_name": "csp_complaint"},
            "my_complaints_history", False)
        return request.render("customer_service_process.portal_my_complaint", values)

    @http.route("/my/statement", type="http", auth="user", website=True)
    def portal_my_statement(self, **kwargs):
        """The customer's statement of open items, as a PDF."""
        partner = request.env.user.partner_id.commercial_partner_id
        # His own commercial partner only: rendered as superuser.
        report = request.env.ref(
            "customer_service_process.action_report_customer_statement").sudo()
        pdf, _type = report._render_qweb_pdf(report.report_name, partner.ids)
        return request.make_response(pdf, headers=[
            ("Content-Type", "application/pdf"),
            ("Content-Disposition", 'attachment; filename="statement.pdf"'),
        ])

    # ----------------------------------------------------- sales materials

    @http.route("/csp/material/<int:send_id>/<string:token>", type="http", auth="public",
                website=True)
    def portal_material_link(self, send_id, token, **kwargs):
        """The link of the e-mail: records the receipt, shows the files."""
        send = request.env["csp.sales.material.send"]._csp_from_token(send_id, token)
        if not send or not send.material_id.is_current:
            raise request.not_found()
        send._csp_mark_received("email")
        return self._csp_material_page(send, f"/csp/material/{send.id}/{token}")

    @http.route("/csp/material/<int:send_id>/<string:token>/<int:attachment_id>",
                type="http", auth="public")
    def portal_material_file(self, send_id, token, attachment_id, **kwargs):
        send = request.env["csp.sales.material.send"]._csp_from_token(send_id, token)
        return self._csp_material_file(send, attachment_id)

    @http.route("/my/materials/<int:send_id>", type="http", auth="user", website=True)
    def portal_my_material(self, send_id, **kwargs):
        """The same page for the logged-in customer: his own sends, no token
        (the send keeps only the digest of the e-mail's)."""
        send = self._csp_my_send(send_id)
        send._csp_mark_received("portal")
        return self._csp_material_page(send, f"/my/materials/{send.id}")

    @http.route("/my/materials/<int:send_id>/<int:attachment_id>", type="http", auth="user")
    def portal_my_material_file(self, send_id, attachment_id, **kwargs):
        return self._csp_material_file(self._csp_my_send(send_id), attachment_id)

    def _csp_my_send(self, send_id):
        partner = request.env.user.partner_id.commercial_partner_id
        send = request.env["csp.sales.material.send"].sudo().browse(send_id).exists()
        if not send or send.partner_id.commercial_partner_id != partner \
                or not send.material_id.is_current:
            raise request.not_found()
        return send

    def _csp_material_page(self, send, files_url):
        return request.render("customer_service_process.portal_material_page", {
            "material": send.material_id, "send": send, "files_url": files_url})

    def _csp_material_file(self, send, attachment_id):
        """One file of a current material, streamed by Odoo (its name may
        hold any character: the Content-Disposition is built for it)."""
        material = send.material_id
        if not send or not material.is_current or attachment_id not in material.attachment_ids.ids:
            raise request.not_found()
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
