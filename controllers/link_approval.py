"""The approver's link: decide on an order from the e-mail, without the
backend.  The link carries the check's own token and works once; used, it
says what was decided (HTTP 410); it shows nothing about any order to
whoever holds a wrong one (a plain 404)."""

from odoo import fields, http
from odoo.exceptions import AccessError, UserError
from odoo.http import request
from odoo.tools import format_date

# A used link: the page says what happened, with this status.
GONE = 410


class FeasibilityDecisionController(http.Controller):

    def _check_or_404(self, check_id, token):
        """The check of a valid token (pending or not), or a plain 404."""
        check = request.env["csp.feasibility.check"]._csp_from_token(check_id, token,
                                                                      used=True)
        if not check or not check.approver_id:
            raise request.not_found()
        return check

    @staticmethod
    def _layout_values(check):
        company = check.company_id.sudo()
        return {"company": company, "res_company": company,
                "title": f"{company.name} - {check.order_id.name}"}

    def _render(self, check, token, **values):
        approver = check.approver_id
        # The page speaks the approver's language and shows what he may see.
        env = check.with_user(approver).with_context(lang=approver.lang).env
        return request.render("customer_service_process.feasibility_decision_page", dict(
            # The form posts back to the link it came from: the check keeps
            # only the token's digest.
            self._layout_values(check), **values, check=check.with_env(env), token=token,
            results=check.sudo().with_context(lang=approver.lang).result_ids,
            show_costs=approver.has_group("customer_service_process.group_cost_viewer")))

    def _decided(self, check, thanks=False):
        """What was decided: right after the decision (200), or when the used
        link is opened again (410)."""
        approver = check.approver_id
        check = check.sudo().with_context(lang=approver.lang or request.env.lang,
                                          tz=approver.tz or request.env.context.get("tz"))
        when = check.decided_at or check.write_date
        return request.render("customer_service_process.feasibility_decision_done", dict(
            self._layout_values(check), check=check, order=check.order_id, thanks=thanks,
            decided_on=format_date(check.env, when) if when else "",
            confirmed_on=format_date(check.env, check.confirmed_date)
            if check.confirmed_date else ""), status=200 if thanks else GONE)

    @http.route("/csp/feasibility/<int:check_id>/<string:token>", type="http",
                auth="public", methods=["GET"], website=False)
    def feasibility_page(self, check_id, token, **kwargs):
        check = self._check_or_404(check_id, token)
        if check.state != "pending":
            return self._decided(check)
        return self._render(check, token)

    @http.route("/csp/feasibility/<int:check_id>/<string:token>/decide", type="http",
                auth="public", methods=["POST"], website=False)
    def feasibility_decide(self, check_id, token, decision=None, reason=None,
                           delivery_date=None, **kwargs):
        check = self._check_or_404(check_id, token)
        if check.state != "pending":
            # Decided already (a second click, another tab, the backend).
            return self._decided(check)
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
        check.invalidate_recordset()
        return self._decided(check, thanks=True)
