"""The trend of each target over the twelve months that end with the
report's period, for the first page of the management report: one grouped
query per figure, whatever the number of orders.

Mixed into csp.kpi.report, whose scope it reads (`_csp_scope`,
`_csp_bounds`, `company_id`)."""

from datetime import datetime, time

from dateutil.relativedelta import relativedelta

from odoo import models
from odoo.tools import SQL, format_date


class CspKpiTrend(models.AbstractModel):
    _name = "csp.kpi.trend"
    _description = "Management Report Trends"

    def _csp_trend_months(self):
        """The first day of each of the twelve months that end with the
        report's last day."""
        last = self.date_to.replace(day=1)
        return [last - relativedelta(months=back) for back in range(11, -1, -1)]

    def _get_kpi_trends(self):
        """The trend lines of the report's first page, each a dict: title,
        unit, target (the process card's at the period's end), higher (True
        when more is better) and points, a list of (month, value or None) for
        `_csp_trend_months`.  Override to add a line."""
        months = self._csp_trend_months()
        answer = self._csp_trend_duration("csp_answered_at", "csp_answer_hours",
                                          "csp_answer_on_time", months)
        fulfilment = self._csp_trend_duration("csp_delivered_at", "csp_fulfilment_days",
                                              "csp_fulfilment_on_time", months)
        returned = self._csp_trend_returns(months)
        return [
            self._csp_trend_line(self.env._("New customers' growth"), "%",
                                 self._csp_trend_growth(months),
                                 self._csp_target_of("new_customers_growth"), True),
            self._csp_trend_line(self.env._("Answer time (working hours)"), "h",
                                 answer[0], self._csp_target_of("answer_time"), False),
            self._csp_trend_line(self.env._("Answered within the target"), "%",
                                 answer[1], 100.0, True),
            self._csp_trend_line(self.env._("Fulfilment (working days)"), "d",
                                 fulfilment[0], self._csp_target_of("fulfilment_time"),
                                 False),
            self._csp_trend_line(self.env._("Fulfilled within the target"), "%",
                                 fulfilment[1], 100.0, True),
            self._csp_trend_line(self.env._("Returned of delivered"), "%",
                                 returned, self._csp_target_of("returns_rate"), False),
        ]

    def _csp_trend_line(self, title, unit, values, target, higher):
        months = self._csp_trend_months()
        return {
            "title": title, "unit": unit, "target": target, "higher": higher,
            "points": [(format_date(self.env, month, date_format="LLL"), values.get(month))
                       for month in months],
        }

    def _csp_trend_bounds(self, months):
        return datetime.combine(months[0], time.min), self._csp_bounds()[1]

    def _csp_trend_duration(self, stamp, field, on_time, months):
        """({month: average}, {month: % within the target}) of the orders
        whose step ended in the month."""
        start, end = self._csp_trend_bounds(months)
        self.env.cr.execute(SQL("""
            SELECT date_trunc('month', %(stamp)s)::date, avg(%(f)s),
                   100.0 * count(*) FILTER (WHERE %(ok)s) / count(*)
              FROM sale_order so
             WHERE %(stamp)s BETWEEN %(start)s AND %(end)s AND %(f)s IS NOT NULL AND %(scope)s
             GROUP BY 1
        """, stamp=SQL.identifier("so", stamp), f=SQL.identifier("so", field),
            ok=SQL.identifier("so", on_time), start=start, end=end, scope=self._csp_scope()))
        rows = self.env.cr.fetchall()
        return ({month: round(avg, 1) for month, avg, _pct in rows},
                {month: round(share, 1) for month, _avg, share in rows})

    def _csp_trend_returns(self, months):
        """{month: returned quantity in % of the delivered quantity}."""
        start, end = self._csp_trend_bounds(months)
        self.env.cr.execute(SQL("""
            SELECT date_trunc('month', m.date)::date,
                   COALESCE(sum(m.product_qty) FILTER (WHERE m.csp_returned_by_id IS NOT NULL), 0),
                   COALESCE(sum(m.product_qty) FILTER (WHERE m.csp_returned_by_id IS NULL
                                                         AND pk.csp_is_customer_delivery), 0)
              FROM stock_move m
              JOIN stock_picking pk ON pk.id = m.picking_id
              LEFT JOIN stock_move o ON o.id = m.origin_returned_move_id
              LEFT JOIN stock_picking op ON op.id = o.picking_id
              JOIN sale_order so ON so.id = COALESCE(op.sale_id, pk.sale_id)
             WHERE m.state = 'done' AND m.date BETWEEN %s AND %s AND %s
             GROUP BY 1
        """, start, end, self._csp_scope()))
        return {month: round(100.0 * returned / delivered, 1)
                for month, returned, delivered in self.env.cr.fetchall() if delivered}

    def _csp_trend_growth(self, months):
        """{month: % more new customers than the month before}."""
        counts = self._csp_new_customers_per_month(months[0] - relativedelta(months=1),
                                                   self.date_to)
        growth = {}
        for month in months:
            before = counts.get(month - relativedelta(months=1), 0)
            if before:
                growth[month] = round(100.0 * (counts.get(month, 0) - before) / before, 1)
        return growth
