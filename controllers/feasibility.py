"""The approver's link: decide on an order from the e-mail, without the
backend.  The link carries the check's own token, works once, and shows
nothing about any order to whoever holds a wrong one."""

from odoo import fields, http
from odoo.exceptions import AccessError, UserError
from odoo.http import request


class FeasibilityDecisionController(http.Controller):

    def _check_or_404(self, check_id, token):
        check = request.env["csp.feasibility.check"]._csp_from_token(check_id, token)
        if not check or not check.approver_id:
            raise request.not_found()
        return check

    def _render(self, check, token, **values):
        approver = check.approver_id
        # The page speaks the approver's language and shows what he may see.
        env = check.with_user(approver).with_context(lang=approver.lang).env
        return request.render("customer_service_process.feasibility_decision_page", dict(
            # The form posts back to the link it came from: the check keeps
            # only the token's digest.
            values, check=check.with_env(env), token=token,
            results=check.sudo().result_ids,
            show_costs=approver.has_group("customer_service_process.group_cost_viewer")))

    @http.route("/csp/feasibility/<int:check_id>/<string:token>", type="http",
                auth="public", methods=["GET"], website=False)
    def feasibility_page(self, check_id, token, **kwargs):
        check = self._check_or_404(check_id, token)
        return self._render(check, token)

    @http.route("/csp/feasibility/<int:check_id>/<string:token>/decide", type="http",
                auth="public", methods=["POST"], website=False)
    def feasibility_decide(self, check_id, token, decision=None, reason=None,
                           delivery_date=None, **kwargs):
        check = self._check_or_404(check_id, token)
        approver = check.approver_id
        as_approver = check.with_user(approver).with_context(lang=approver.lang)
        try:
            with request.env.cr.savepoint():
                as_approver._csp_check_approver()
                if decision == "refuse":
                    as_approver.sudo()._csp_refuse(reason or "")
                elif decision == "approve":
                    new_date = fields.Date.to_date(delivery_date) if delivery_date else False
                    if new_date and new_date < fields.Date.context_today(as_approver):
                        raise UserError(as_approver.env._(
                            "The delivery date cannot be in the past."))
                    as_approver.sudo()._csp_approve(new_date=new_date, reason=reason)
                else:
                    raise UserError(as_approver.env._("Choose to approve or to refuse."))
        except (UserError, AccessError, ValueError) as error:
            check.invalidate_recordset()
            return self._render(check, token, error=str(error))
        return request.render("customer_service_process.feasibility_decision_done", {
            "check": check.sudo(), "order": check.sudo().order_id})
