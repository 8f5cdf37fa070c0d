"""The customer's delivery confirmation page, reached from the dispatch
notice: his own token, no login, and one answer (confirmed or disputed).

Once answered, the link says what was recorded (HTTP 410: the form is
gone); a wrong, altered or superseded token gets a plain 404 that shows
nothing of the delivery or of the company."""

import base64

import werkzeug.exceptions

from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools import format_date

AWAITING = ("shipped", "delivered")
# A used or expired link: the page says what happened, with this status.
GONE = 410
# Another answer to the same delivery is being recorded at this moment.
CONFLICT = 409


class DeliveryConfirmationController(http.Controller):

    def _picking_or_404(self, picking_id, token):
        """The delivery of a valid token (awaiting an answer or not), or a
        plain 404."""
        picking = request.env["stock.picking"]._csp_from_token(picking_id, token, used=True)
        if not picking:
            raise request.not_found()
        return picking

    @staticmethod
    def _busy_message():
        return request.env._(
            "An answer for this delivery is being recorded right now: reload the page in a "
            "moment to see it.")

    @staticmethod
    def _awaits(picking):
        return picking.csp_delivery_state in AWAITING

    @staticmethod
    def _customer_env(picking):
        """The delivery as its customer reads it: his language and time zone."""
        partner = picking.partner_id
        return picking.with_context(lang=partner.lang or request.env.lang,
                                    tz=partner.tz or request.env.context.get("tz"))

    def _layout_values(self, picking):
        company = picking.company_id.sudo()
        return {"company": company, "res_company": company,
                "title": f"{company.name} - {picking.name}"}

    def _page(self, picking, token, status=200, **values):
        picking = self._customer_env(picking)
        return request.render("customer_service_process.delivery_confirmation_page", dict(
            self._layout_values(picking), **values, picking=picking, token=token,
            moves=picking.move_ids.filtered(lambda m: m.state == "done" and m.quantity),
            problems=request.env["csp.delivery.dispute.line"]._fields["problem"]
            ._description_selection(picking.env)), status=status)

    def _answered(self, picking, thanks=False):
        """What was recorded: the thank-you page (200) right after the
        answer, the used link (410) afterwards."""
        picking = self._customer_env(picking)
        dispute = picking.csp_dispute_ids[:1]
        answered_at = picking.csp_confirmed_at or dispute.reported_at
        channels = dict(picking._fields["csp_confirmation_channel"]._description_selection(
            picking.env))
        problems = dict(request.env["csp.delivery.dispute.line"]._fields["problem"]
                        ._description_selection(picking.env))
        return request.render("customer_service_process.delivery_confirmation_done", dict(
            self._layout_values(picking), picking=picking, dispute=dispute, thanks=thanks,
            answered_on=format_date(picking.env, answered_at) if answered_at else "",
            channel=channels.get(picking.csp_confirmation_channel, ""), problems=problems,
            moves=picking.move_ids.filtered(lambda m: m.state == "done" and m.quantity),
        ), status=200 if thanks else GONE)

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
        picking = self._picking_or_404(picking_id, token)
        if not self._awaits(picking):
            return self._answered(picking)
        return self._page(picking, token)

    @http.route("/csp/delivery/<int:picking_id>/<string:token>/confirm", type="jsonrpc",
                auth="public", website=False)
    def delivery_confirm(self, picking_id, token, name=None, signature=None, **kwargs):
        """Called by Odoo's portal signature form."""
        picking = request.env["stock.picking"]._csp_from_token(picking_id, token, used=True)
        if not picking:
            self._json_refusal(request.env._("This link is no longer valid."), 404)
        if not picking._csp_lock_for_answer():
            self._json_refusal(self._busy_message(), CONFLICT)
        if not self._awaits(picking):
            self._json_refusal(request.env._(
                "This delivery was already answered: reload the page to see what was "
                "recorded."), GONE)
        try:
            with request.env.cr.savepoint():
                picking._csp_confirm(name, "portal", signature=signature,
                                     remarks=kwargs.get("remarks"))
        except (UserError, ValidationError) as error:
            self._json_refusal(str(error), 400)
        return {
            "force_refresh": True,
            "redirect_url": f"/csp/delivery/{picking.id}/{token}/done",
        }

    @http.route("/csp/delivery/<int:picking_id>/<string:token>/note", type="http",
                auth="public", methods=["POST"], website=False)
    def delivery_note(self, picking_id, token, remarks=None, photo=None, **kwargs):
        """Remarks and a photo, sent before the signed confirmation."""
        picking = self._picking_or_404(picking_id, token)
        if not picking._csp_lock_for_answer():
            return self._page(picking, token, status=CONFLICT, error=self._busy_message())
        if not self._awaits(picking):
            return self._answered(picking)
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
        if not picking._csp_lock_for_answer():
            return self._page(picking, token, status=CONFLICT, error=self._busy_message())
        if not self._awaits(picking):
            return self._answered(picking)
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
        return request.redirect(f"/csp/delivery/{picking.id}/{token}/done")

    @http.route("/csp/delivery/<int:picking_id>/<string:token>/done", type="http",
                auth="public", methods=["GET"], website=False)
    def delivery_done(self, picking_id, token, **kwargs):
        """The thank-you page: what was recorded, for the link's holder only."""
        picking = self._picking_or_404(picking_id, token)
        if self._awaits(picking):
            return request.redirect(f"/csp/delivery/{picking.id}/{token}")
        return self._answered(picking, thanks=True)
