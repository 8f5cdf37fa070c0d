"""The process cards' targets in the management report: each section's
figure that measures a card metric names its code (`_csp_goal`), and the
report's first page lists every metric of the cards with its figure, the
target that applied to the company at the end of the period, and met or
missed (`_csp_goals`).  A metric the report has no figure for says so.

Mixed into csp.kpi.report (`company_id`, `date_to`)."""

from odoo import models


class CspKpiGoals(models.AbstractModel):
    _name = "csp.kpi.goals"
    _description = "Management Report Targets"

    def _csp_card_metrics(self):
        """The metrics of the company's active cards with a code, in the
        cards' order (a company's own card over the shared one)."""
        metrics = self.env["csp.process.metric"].sudo().search([
            ("code", "!=", False), ("process_id.active", "=", True),
            ("process_id.company_id", "in", [False, self.company_id.id]),
        ])
        chosen = {}
        for metric in metrics.sorted(lambda m: (m.process_id.parent_path or "", m.sequence,
                                                m.id)):
            if metric.code not in chosen or metric.process_id.company_id:
                chosen[metric.code] = metric
        return list(chosen.values())

    def _csp_target(self, code):
        """(metric, target) of `code` for the report's company at the end of
        its period; (None, None) when no card measures it."""
        metric = self.env["csp.process.metric"]._csp_find(code, self.company_id)
        if not metric:
            return None, None
        return metric, self._csp_target_of(code)

    def _csp_target_of(self, code):
        """The target of `code` for the report's company on its last day, from
        the cards' cache (the SLA timers' reading)."""
        return self.env["csp.process.metric"]._csp_target_getter(code)(
            self.company_id, self.date_to)

    def _csp_target_text(self, metric, target):
        if not metric or target is None:
            return None
        sign = {"min": "≥", "max": "≤", "equal": "="}[metric.comparison]
        return f"{sign} {target:g} {metric.unit or ''}".strip()

    def _csp_goal(self, code, value):
        """(target as text, met) of a section's figure that measures the card
        metric `code`: (None, None) when no card measures it.  `value` is the
        figure's number (or a Figure, or None when there is no data)."""
        metric, target = self._csp_target(code)
        number = self._csp_number(value)
        return (self._csp_target_text(metric, target),
                metric._csp_is_met(number, target) if metric else None)

    def _get_kpi_missing(self):
        """{code: what the report lacks to measure it}, for metrics the
        sections cannot compute from the data of the period.  Override to
        explain your own codes."""
        return {
            "sales_cost": self.env._(
                "No analytic account of the sales department: set it in Process Targets."),
            "market_share": self.env._(
                "No market size for every day of the period: enter it in Configuration → "
                "Market Sizes."),
        }

    def _csp_goals(self, sections):
        """The first page's list: for each card metric, (card, metric, value,
        target, met, note) with note saying what is missing when the report
        has no figure for it."""
        measured = {}
        for section in sections:
            measured.update(section.get("goals") or {})
        missing = self._get_kpi_missing()
        rows = []
        for metric in self._csp_card_metrics():
            target = self._csp_target_of(metric.code)
            target_text = self._csp_target_text(metric, target)
            if metric.code in measured:
                value = measured[metric.code]
                number = self._csp_number(value)
                note = None if number is not None else self.env._("No data in this period.")
                rows.append((metric.process_id.name, metric.name, value, target_text,
                             metric._csp_is_met(number, target), note))
            else:
                rows.append((metric.process_id.name, metric.name, None, target_text, None,
                             missing.get(metric.code) or self.env._(
                                 "The report has no figure with the code %(code)s.",
                                 code=metric.code)))
        return rows
