"""The customer's complaints on the portal: the list, each one with its
status, its photos and its conversation, and the form on which he files a
new one about a delivered order."""

import base64

from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

# A bad form is answered with the form again and this status: nothing was saved.
BAD_REQUEST = 400


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
        # The customer reads no attachment: each picture with its own token.
        photos = [{"name": photo.name,
                   "url": f"/web/image/{photo.id}?access_token={token}",
                   "thumbnail": f"/web/image/{photo.id}/300x300?access_token={token}"}
                  for photo in complaint._csp_customer_photos()
                  for token in [photo._get_raw_access_token()]]
        values = self._get_page_view_values(
            complaint, access_token, {"complaint": complaint, "page_name": "csp_complaint",
                                      "photos": photos},
            "my_complaints_history", False)
        return request.render("customer_service_process.portal_my_complaint", values)

    # ------------------------------------------------------ a new complaint

    @http.route("/my/complaints/new", type="http", auth="user", website=True,
                methods=["GET", "POST"])
    def portal_new_complaint(self, **post):
        """GET: the form, for the order (and delivery) of the query string or
        to choose one; POST: the complaint, then its page."""
        if request.httprequest.method != "POST":
            return self._csp_new_complaint_page(post)
        Complaint = request.env["csp.complaint"]
        try:
            with request.env.cr.savepoint():
                complaint = Complaint._csp_create_from_portal(
                    request.env.user.partner_id, self._csp_new_complaint_vals(post))
        except (UserError, ValidationError) as error:
            request.env.invalidate_all()
            return self._csp_new_complaint_page(post, error=str(error), status=BAD_REQUEST)
        # His own complaint: its page without a share token.
        return request.redirect(complaint.access_url)

    @staticmethod
    def _csp_new_complaint_vals(post):
        """What the form posted, as csp.complaint._csp_create_from_portal
        takes it."""
        photos = [(upload.filename, base64.b64encode(upload.read()))
                  for upload in request.httprequest.files.getlist("photos")
                  if upload and upload.filename]
        return {
            "order_id": post.get("order_id"),
            "picking_id": post.get("picking_id"),
            "type_id": post.get("type_id"),
            "description": post.get("description"),
            "quantities": {key.removeprefix("quantity_"): value for key, value in post.items()
                           if key.startswith("quantity_")},
            "photos": photos,
        }

    def _csp_new_complaint_page(self, post, error=None, status=200):
        """The form: the customer's delivered orders to choose from, or the
        chosen order's (or delivery's) delivered products, with what he
        posted and what was wrong with it."""
        Complaint = request.env["csp.complaint"]
        partner = request.env.user.partner_id
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "csp_complaint_new",
            "orders": Complaint._csp_portal_orders(partner),
            "complaint_types": Complaint._csp_portal_types(),
            "order": None, "picking": None, "deliveries": None, "moves": None,
            "posted": post, "error": error,
        })
        if post.get("order_id") or post.get("picking_id"):
            try:
                order, picking = Complaint._csp_portal_documents(
                    partner, post.get("order_id"), post.get("picking_id"))
            except UserError as wrong:
                values["error"] = error or str(wrong)
                status = BAD_REQUEST
            else:
                values.update({
                    "order": order, "picking": picking,
                    "deliveries": Complaint._csp_done_deliveries(order),
                    "moves": Complaint._csp_portal_moves(order, picking),
                })
        return request.render("customer_service_process.portal_new_complaint", values,
                              status=status)
