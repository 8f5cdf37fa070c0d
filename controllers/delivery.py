"""The customer's delivery confirmation page, reached from the dispatch
notice: his own token, no login, and one answer (confirmed or disputed)."""

import base64

import werkzeug.exceptions

from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request


class DeliveryConfirmationController(http.Controller):

    def _picking_or_404(self, picking_id, token):
        picking = request.env["stock.picking"]._csp_from_token(picking_id, token)
        if not picking:
            raise request.not_found()
        return picking

    def _page(self, picking, token, status=200, **values):
        lang = picking.partner_id.lang or request.env.lang
        picking = picking.with_context(lang=lang)
        return request.render("customer_service_process.delivery_confirmation_page", dict(
            values, picking=picking, token=token,
            moves=picking.move_ids.filtered(lambda m: m.state == "done" and m.quantity),
            problems=request.env["csp.delivery.dispute.line"]._fields["problem"]
            ._description_selection(picking.env)), status=status)

    def _refused(self, picking, token, error):
        """The page again with what was wrong, answered 400: nothing was saved."""
        picking.invalidate_recordset()
        return self._page(picking, token, status=400, error=str(error))

    def _json_refusal(self, message, status):
        """A JSON-RPC answer the portal signature form shows (its `error`),
        with an HTTP error status; aborting also rolls the request back."""
        dispatcher = request.dispatcher
        response = request.make_json_response({
            "jsonrpc": "2.0", "id": getattr(dispatcher, "request_id", None),
            "result": {"error": message},
        }, status=status)
        werkzeug.exceptions.abort(response)

    @staticmethod
    def _upload(photo):
        """The uploaded photo as base64, or False when none was chosen."""
        if photo and getattr(photo, "filename", None):
            return base64.b64encode(photo.read())
        return False

    @http.route("/csp/delivery/<int:picking_id>/<string:token>", type="http", auth="public",
                methods=["GET"], website=False)
    def delivery_page(self, picking_id, token, **kwargs):
        return self._page(self._picking_or_404(picking_id, token), token)

    @http.route("/csp/delivery/<int:picking_id>/<string:token>/confirm", type="jsonrpc",
                auth="public", website=False)
    def delivery_confirm(self, picking_id, token, name=None, signature=None, **kwargs):
        """Called by Odoo's portal signature form."""
        picking = request.env["stock.picking"]._csp_from_token(picking_id, token)
        if not picking:
            self._json_refusal(request.env._("This link is no longer valid."), 404)
        try:
            with request.env.cr.savepoint():
                picking._csp_confirm(name, "portal", signature=signature,
                                     remarks=kwargs.get("remarks"))
        except (UserError, ValidationError) as error:
            self._json_refusal(str(error), 400)
        return {
            "force_refresh": True,
            "redirect_url": f"/csp/delivery/{picking.id}/done",
        }

    @http.route("/csp/delivery/<int:picking_id>/<string:token>/note", type="http",
                auth="public", methods=["POST"], website=False)
    def delivery_note(self, picking_id, token, remarks=None, photo=None, **kwargs):
        """Remarks and a photo, sent before the signed confirmation."""
        picking = self._picking_or_404(picking_id, token)
        try:
            with request.env.cr.savepoint():
                picking._csp_add_receipt_note(remarks=remarks, photo=self._upload(photo))
        except (UserError, ValidationError) as error:
            return self._refused(picking, token, error)
        picking.invalidate_recordset()
        return self._page(picking, token, note_saved=True)

    @http.route("/csp/delivery/<int:picking_id>/<string:token>/dispute", type="http",
                auth="public", methods=["POST"], website=False)
    def delivery_dispute(self, picking_id, token, **post):
        picking = self._picking_or_404(picking_id, token)
        lines = []
        moves = picking.move_ids.filtered(lambda m: m.state == "done")
        try:
            for move in moves:
                problem = post.get(f"problem_{move.id}")
                if not problem:
                    continue
                if problem not in dict(request.env["csp.delivery.dispute.line"]
                                       ._fields["problem"].selection):
                    raise UserError(request.env._("Choose what the problem is."))
                try:
                    quantity = float(post.get(f"quantity_{move.id}") or 0)
                except ValueError:
                    raise UserError(request.env._("Give the quantity as a number.")) from None
                lines.append((move, problem, quantity, post.get(f"note_{move.id}")))
            with request.env.cr.savepoint():
                picking._csp_report_dispute(post.get("name"), lines,
                                            remarks=post.get("remarks"),
                                            photo=self._upload(post.get("photo")))
        except (UserError, ValidationError) as error:
            return self._refused(picking, token, error)
        return request.redirect(f"/csp/delivery/{picking.id}/done")

    @http.route("/csp/delivery/<int:picking_id>/done", type="http", auth="public",
                methods=["GET"], website=False)
    def delivery_done(self, picking_id, **kwargs):
        # Says nothing about the delivery: only that the answer was recorded.
        return request.render("customer_service_process.delivery_confirmation_done", {})
