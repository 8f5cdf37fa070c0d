"""The customer's statement of his open items on the portal: a page like
Odoo's own /my/invoices, and the PDF of the same items on demand."""

from odoo import fields, http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.http import request


class StatementPortal(CustomerPortal):

    @staticmethod
    def _csp_statement_partner():
        """His own commercial partner: the only statement he may see."""
        return request.env.user.partner_id.commercial_partner_id

    @http.route("/my/statement", type="http", auth="user", website=True)
    def portal_my_statement(self, **kwargs):
        """The open items of the PDF statement (res.partner._csp_statement_items),
        with their totals per currency and what is overdue."""
        partner = self._csp_statement_partner()
        # His own items only: read as superuser, in his companies.
        items = partner.sudo()._csp_statement_items()
        totals = {}
        for move in items["moves"]:
            amount = -move.amount_residual if move.move_type == "out_refund" \
                else move.amount_residual
            total = totals.setdefault(move.currency_id, {"open": 0.0, "overdue": 0.0})
            total["open"] += amount
            if items["late"][move.id] > 0:
                total["overdue"] += amount
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "csp_statement",
            "partner": partner,
            "items": items,
            "moves": items["moves"],
            "late": items["late"],
            "totals": totals,
            "today": fields.Date.context_today(partner),
        })
        return request.render("customer_service_process.portal_my_statement", values)

    @http.route("/my/statement/pdf", type="http", auth="user", website=True)
    def portal_my_statement_pdf(self, **kwargs):
        """The same statement as a PDF, rendered when asked for and kept
        while its content stays the same (res.partner._csp_statement_pdf)."""
        partner = self._csp_statement_partner()
        # His own commercial partner only.
        attachment = partner._csp_statement_pdf()
        filename = request.env._("Statement - %(customer)s.pdf", customer=partner.name)
        return request.env["ir.binary"]._get_stream_from(attachment).get_response(
            as_attachment=True, download_name=filename)
