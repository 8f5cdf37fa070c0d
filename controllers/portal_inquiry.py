"""The customer's inquiry on the portal (issue 18: the website's contact
form when the company has no website): a short form; the inquiry is a CRM
opportunity of the website/portal channel, routed to his salesperson like
any other."""

from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

BAD_REQUEST = 400


class InquiryPortal(CustomerPortal):

    @http.route("/my/inquiry", type="http", auth="user", website=True, methods=["GET", "POST"])
    def portal_new_inquiry(self, **post):
        """GET: the form; POST: the inquiry, then the form again, thanked."""
        if request.httprequest.method != "POST":
            return self._csp_inquiry_page(post)
        try:
            with request.env.cr.savepoint():
                lead = request.env["crm.lead"]._csp_create_from_portal(
                    request.env.user.partner_id, post.get("subject"), post.get("description"))
        except (UserError, ValidationError) as error:
            request.env.invalidate_all()
            return self._csp_inquiry_page(post, error=str(error), status=BAD_REQUEST)
        return self._csp_inquiry_page({}, sent=lead)

    def _csp_inquiry_page(self, post, error=None, sent=None, status=200):
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "csp_inquiry", "post": post, "error": error,
                       "sent": sent})
        return request.render("customer_service_process.portal_new_inquiry", values,
                              status=status)

