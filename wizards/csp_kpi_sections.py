"""The figures of the management report, in SQL aggregates: one method per
section, the sections listed by `_get_kpi_sections` (an addon adds its own
there), the split per channel and per salesperson, and the definitions.

Mixed into csp.kpi.report, whose scope it reads: `_csp_scope` (the orders),
`_csp_bounds` (the period), `_csp_user`, `company_id`, `channel`, `team_id`.
Every query is parametrised (`odoo.tools.SQL`)."""

from itertools import pairwise

from dateutil.relativedelta import relativedelta

from odoo import models
from odoo.tools import SQL, format_amount, format_date
from odoo.tools.misc import formatLang


def pct(part, whole):
    return round(100.0 * part / whole, 1) if whole else None


class Figure(str):
    """A figure as the PDF shows it ("12.5 %", "zł 1,200.00") that still
    knows its number and kind: the workbook writes the number, with a
    number format, so that it can be summed and charted."""

    def __new__(cls, text, number, kind, currency=None):
        figure = super().__new__(cls, text)
        figure.number, figure.kind, figure.currency = number, kind, currency
        return figure


class CspKpiSections(models.AbstractModel):
    _name = "csp.kpi.sections"
    _description = "Management Report Sections"

    def _get_kpi_sections(self):
        """The report's sections, in their order: the names of methods that
        each return one section (see `_section`).  Override to add, drop or
        reorder sections; a new section also gets its sheet in the workbook
        and its part of the PDF, and its definition in `_csp_definitions`."""
        return [
            "_csp_section_customers", "_csp_section_funnel", "_csp_section_offers",
            "_csp_section_answer",
            "_csp_section_fulfilment", "_csp_section_returns", "_csp_section_satisfaction",
            "_csp_section_money", "_csp_section_materials",
        ]

    def _csp_data(self):
        """Every section's figures, tables and raw rows."""
        self.ensure_one()
        self._csp_check_company()
        self.env.flush_all()
        sections = [getattr(self, method)() for method in self._get_kpi_sections()]
        return {
            "sections": sections,
            "goals": self._csp_goals(sections),
            "by_channel": self._csp_split("csp_service"),
            "by_rep": self._csp_split("user_id"),
            "trends": self._get_kpi_trends(),
            "definitions": self._csp_definitions(),
        }

    def _q(self, query):
        self.env.cr.execute(query)
        return self.env.cr.fetchall()

    def _section(self, key, title, metrics, *, tables=(), raw=None, chart=None,
                 available=True, goals=None):
        """One section: `metrics` are (label, value, target, met) with met True,
        False or None (no target); `tables` are (title, headers, rows); `raw`
        is (headers, rows), the rows behind the figures (in the workbook);
        `chart` is (label, value) points (a bar chart in the PDF); `goals`
        is {code of a card metric: the figure that measures it}."""
        return {"key": key, "title": title, "metrics": metrics, "tables": list(tables),
                "raw": raw, "chart": chart, "available": available, "goals": goals or {}}

    def _csp_measured(self, code, label, value):
        """A figure that measures the card metric `code`: (label, value,
        the card's target, met)."""
        return (label, value, *self._csp_goal(code, value))

    def _fmt_pct(self, value):
        if value is None:
            return "-"
        return Figure(f"{formatLang(self.env, value, digits=1)} %", value, "percent")

    def _fmt_money(self, amount, currency):
        return Figure(format_amount(self.env, amount, currency), amount, "money", currency)

    # ------------------------------------------------------------ sections

    def _csp_new_customers_per_month(self, start, end):
        """{first day of a month: customers whose first confirmed order
        (Customer Since) falls in it, with a confirmed order in the report's
        scope}, from `start` to `end`."""
        # One pass over the confirmed orders of the scope (a join, not a
        # subquery per customer).
        return dict(self._q(SQL("""
            SELECT date_trunc('month', p.csp_customer_since)::date, count(DISTINCT p.id)
              FROM sale_order so
              JOIN res_partner c ON c.id = so.partner_id
              JOIN res_partner p ON p.id = c.commercial_partner_id
             WHERE p.csp_customer_since BETWEEN %(start)s AND %(end)s
               AND so.state = 'sale' AND %(scope)s
             GROUP BY 1
        """, start=start, end=end, scope=self._csp_scope())))

    def _csp_section_customers(self):
        # The trend of the last twelve months (and the month before them,
        # for the first one's growth), whatever the period.
        start = self.date_to.replace(day=1) - relativedelta(months=12)
        counts = self._csp_new_customers_per_month(start, self.date_to)
        months, month = [], start
        while month <= self.date_to:
            months.append(month)
            month += relativedelta(months=1)
        table = []
        for previous, current in pairwise(months):
            new, before = counts.get(current, 0), counts.get(previous, 0)
            growth = pct(new - before, before)
            table.append([current.strftime("%Y-%m"), new, before,
                          growth if growth is not None else "-"])
        date_from, date_to = self._csp_bounds()
        [(active,)] = self._q(SQL("""
            SELECT count(DISTINCT p.commercial_partner_id)
              FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
             WHERE so.state = 'sale' AND so.date_order BETWEEN %s AND %s AND %s
        """, date_from, date_to, self._csp_scope()))
        last = table[-1] if table else None
        growth = last[3] if last and last[3] != "-" else None
        new = last[1] if last else 0
        return self._section(
            "customers", self.env._("Customers"),
            metrics=[
                # The month the figure is of, named: the report's last month.
                self._csp_measured("new_customers", self.env._(
                    "New customers in %(month)s",
                    month=format_date(self.env, months[-1], date_format="LLLL y")), new),
                self._csp_measured("new_customers_growth",
                                   self.env._("Growth against the month before"),
                                   self._fmt_pct(growth)),
                (self.env._("Active customers"), active, None, None),
            ],
            goals={"new_customers": new, "new_customers_growth": growth},
            tables=[(self.env._("New customers per month"),
                     [self.env._("Month"), self.env._("New"), self.env._("Previous month"),
                      self.env._("Growth %")], table)],
            chart=[(row[0], row[1]) for row in table],
            available=bool(active or counts))

    def _csp_section_offers(self):
        date_from, date_to = self._csp_bounds()
        [(offered, won)] = self._q(SQL("""
            SELECT count(*) FILTER (WHERE so.state IN ('sent', 'sale')
                                      OR so.csp_answered_at IS NOT NULL),
                   count(*) FILTER (WHERE so.state = 'sale')
              FROM sale_order so
             WHERE so.date_order BETWEEN %s AND %s AND %s
        """, date_from, date_to, self._csp_scope()))
        lost = self._q(SQL("""
            SELECT COALESCE(NULLIF(c.decision_reason, ''), %s), count(*)
              FROM sale_order so
              LEFT JOIN csp_feasibility_check c ON c.id = so.csp_check_id
                                                AND c.state = 'refused'
             WHERE so.state = 'cancel' AND so.date_order BETWEEN %s AND %s AND %s
             GROUP BY 1 ORDER BY 2 DESC, 1
        """, self.env._("Cancelled"), date_from, date_to, self._csp_scope()))
        success = pct(won, offered)
        return self._section(
            "offers", self.env._("Offers"),
            metrics=[(self.env._("Offers"), offered, None, None),
                     self._csp_measured("orders_per_channel", self.env._("Won"), won),
                     self._csp_measured("offer_success", self.env._("Success rate"),
                                        self._fmt_pct(success))],
            goals={"offer_success": success, "orders_per_channel": won},
            tables=[(self.env._("Lost orders by reason"),
                     [self.env._("Reason"), self.env._("Orders")], [list(r) for r in lost])],
            available=bool(offered or lost))

    def _csp_duration(self, key, title, *, field, on_time, stamp, code, unit, raw_fields):
        date_from, date_to = self._csp_bounds()
        [(count, avg, median, p90, timely)] = self._q(SQL("""
            SELECT count(*), avg(%(f)s), percentile_cont(0.5) WITHIN GROUP (ORDER BY %(f)s),
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY %(f)s),
                   count(*) FILTER (WHERE %(ok)s)
              FROM sale_order so
             WHERE %(stamp)s BETWEEN %(start)s AND %(end)s AND %(f)s IS NOT NULL AND %(scope)s
        """, f=SQL.identifier("so", field), ok=SQL.identifier("so", on_time),
            stamp=SQL.identifier("so", stamp), start=date_from, end=date_to,
            scope=self._csp_scope()))
        raw = self._q(SQL("""
            SELECT so.name, p.name, so.csp_service, u_p.name, %(cols)s, %(f)s, %(ok)s
              FROM sale_order so
              JOIN res_partner p ON p.id = so.partner_id
              LEFT JOIN res_users u ON u.id = so.user_id
              LEFT JOIN res_partner u_p ON u_p.id = u.partner_id
             WHERE %(stamp)s BETWEEN %(start)s AND %(end)s AND %(f)s IS NOT NULL AND %(scope)s
             ORDER BY %(f)s DESC, so.id
        """, cols=SQL(", ").join(SQL.identifier("so", name) for name in raw_fields),
            f=SQL.identifier("so", field), ok=SQL.identifier("so", on_time),
            stamp=SQL.identifier("so", stamp), start=date_from, end=date_to,
            scope=self._csp_scope()))
        target = self._csp_target_of(code)
        late = [[row[0], row[1], round(row[-2], 2),
                 round(row[-2] - target, 2) if target is not None else "-"]
                for row in raw if not row[-1]]
        orders = self.env["sale.order"]
        services = dict(orders._fields["csp_service"]._description_selection(self.env))
        rounded = [round(value, 2) if value is not None else None for value in (avg, median, p90)]
        return self._section(
            key, title,
            metrics=[
                (self.env._("Orders"), count, None, None),
                self._csp_measured(code, self.env._("Average (%(unit)s)", unit=unit),
                                   rounded[0]),
                (self.env._("Median (%(unit)s)", unit=unit), rounded[1], None, None),
                (self.env._("90th percentile (%(unit)s)", unit=unit), rounded[2], None, None),
                (self.env._("Within the target"), self._fmt_pct(pct(timely, count)),
                 "100 %", None if not count else timely == count),
            ],
            tables=[(self.env._("Late orders"), [self.env._("Order"), self.env._("Customer"),
                                                 unit, self.env._("Delay")], late)],
            raw=([self.env._("Order"), self.env._("Customer"), self.env._("Served by"),
                  self.env._("Salesperson"),
                  *(orders._fields[name]._description_string(self.env)
                    for name in raw_fields),
                  unit, self.env._("On time")],
                 [[row[0], row[1], services.get(row[2], row[2]), *row[3:]] for row in raw]),
            available=bool(count), goals={code: rounded[0]})

    def _csp_section_answer(self):
        return self._csp_duration(
            "answer", self.env._("Answer time"), field="csp_answer_hours",
            on_time="csp_answer_on_time", stamp="csp_answered_at",
            code="answer_time", unit=self.env._("working hours"),
            raw_fields=["csp_received_at", "csp_answered_at"])

    def _csp_section_fulfilment(self):
        section = self._csp_duration(
            "fulfilment", self.env._("Fulfilment"), field="csp_fulfilment_days",
            on_time="csp_fulfilment_on_time", stamp="csp_delivered_at",
            code="fulfilment_time", unit=self.env._("working days"),
            raw_fields=["csp_accepted_at", "csp_delivered_at"])
        # Manufacturing finished after the delivery date promised to the customer.
        date_from, date_to = self._csp_bounds()
        [(finished, late)] = self._q(SQL("""
            SELECT count(*), count(*) FILTER (WHERE so.commitment_date IS NOT NULL
                                                AND mp.date_finished > so.commitment_date)
              FROM mrp_production mp
              JOIN sale_order so ON so.id = mp.csp_sale_order_id
             WHERE mp.state = 'done' AND mp.date_finished BETWEEN %s AND %s AND %s
        """, date_from, date_to, self._csp_scope()))
        section["metrics"].append(self._csp_measured(
            "late_productions", self.env._("Manufacturing finished after the promised date"),
            late))
        section["goals"]["late_productions"] = late if finished else None
        section["available"] = section["available"] or bool(finished)
        return section

    def _csp_section_returns(self):
        date_from, date_to = self._csp_bounds()
        [(returned, return_count)] = self._q(SQL("""
            SELECT COALESCE(sum(m.product_qty), 0), count(DISTINCT m.picking_id)
              FROM stock_move m
              JOIN stock_move o ON o.id = m.origin_returned_move_id
              JOIN stock_picking op ON op.id = o.picking_id
              JOIN sale_order so ON so.id = op.sale_id
             WHERE m.state = 'done' AND m.csp_returned_by_id IS NOT NULL
               AND m.date BETWEEN %s AND %s AND %s
        """, date_from, date_to, self._csp_scope()))
        [(delivered,)] = self._q(SQL("""
            SELECT COALESCE(sum(m.product_qty), 0)
              FROM stock_move m
              JOIN stock_picking pk ON pk.id = m.picking_id
              JOIN sale_order so ON so.id = pk.sale_id
             WHERE m.state = 'done' AND pk.csp_is_customer_delivery
               AND m.date BETWEEN %s AND %s AND %s
        """, date_from, date_to, self._csp_scope()))
        complaints = self._q(SQL("""
            SELECT t.name->>%(lang)s, count(*), avg(c.resolution_days) FILTER (WHERE c.is_closed),
                   max(t.sla_days)
              FROM csp_complaint c
              JOIN csp_complaint_type t ON t.id = c.type_id
              LEFT JOIN sale_order so ON so.id = c.order_id
             WHERE c.company_id = %(company)s AND c.received_at BETWEEN %(start)s AND %(end)s
               AND (c.order_id IS NULL AND %(no_order)s OR %(scope)s)
             GROUP BY 1 ORDER BY 2 DESC, 1
        """, lang=self.env.lang or "en_US", company=self.company_id.id, start=date_from,
            end=date_to, scope=self._csp_scope(),
            no_order=self._csp_complaints_without_order()))
        [(orders, closed, in_time, claims, claims_out)] = self._q(SQL("""
            SELECT (SELECT count(*) FROM sale_order so
                     WHERE so.state = 'sale' AND so.date_order BETWEEN %(start)s AND %(end)s
                       AND %(scope)s),
                   count(*) FILTER (WHERE c.is_closed
                                      AND c.closed_at BETWEEN %(start)s AND %(end)s),
                   count(*) FILTER (WHERE c.is_closed AND c.resolved_on_time
                                      AND c.closed_at BETWEEN %(start)s AND %(end)s),
                   count(*) FILTER (WHERE c.warranty_state IS NOT NULL
                                      AND c.received_at BETWEEN %(start)s AND %(end)s),
                   count(*) FILTER (WHERE c.warranty_state = 'out'
                                      AND c.received_at BETWEEN %(start)s AND %(end)s)
              FROM csp_complaint c
              LEFT JOIN sale_order so ON so.id = c.order_id
             WHERE c.company_id = %(company)s
               AND (c.closed_at BETWEEN %(start)s AND %(end)s
                    OR c.received_at BETWEEN %(start)s AND %(end)s)
               AND (c.order_id IS NULL AND %(no_order)s OR %(scope)s)
        """, start=date_from, end=date_to, company=self.company_id.id, scope=self._csp_scope(),
            no_order=self._csp_complaints_without_order()))
        returned_pct = pct(returned, delivered)
        complained = sum(row[1] for row in complaints)
        complaint_rate = pct(complained, orders)
        in_time_pct = pct(in_time, closed)
        return self._section(
            "returns", self.env._("Returns and complaints"),
            metrics=[
                self._csp_measured("returns", self.env._("Returned quantity"), returned),
                (self.env._("Returns"), return_count, None, None),
                self._csp_measured("returns_rate", self.env._("Returned of delivered"),
                                   self._fmt_pct(returned_pct)),
                (self.env._("Complaints"), complained, None, None),
                self._csp_measured("complaint_rate", self.env._("Complaints per 100 orders"),
                                   self._fmt_pct(complaint_rate)),
                self._csp_measured("complaints_in_time",
                                   self.env._("Complaints resolved within their deadline"),
                                   self._fmt_pct(in_time_pct)),
                self._csp_measured("warranty_claims", self.env._("Warranty claims"), claims),
                (self.env._("Warranty claims out of warranty"), claims_out, None, None),
            ],
            goals={"returns": returned if delivered or returned else None,
                   "returns_rate": returned_pct, "complaint_rate": complaint_rate,
                   "complaints_in_time": in_time_pct, "warranty_claims": claims},
            tables=[(self.env._("Complaints by type"),
                     [self.env._("Type"), self.env._("Complaints"),
                      self.env._("Resolution (working days)"), self.env._("Target")],
                     [[row[0], row[1], round(row[2], 2) if row[2] is not None else "-", row[3]]
                      for row in complaints])],
            available=bool(delivered or complaints))

    def _csp_complaints_without_order(self):
        """Complaints about no order belong to the whole company's report only."""
        return (SQL("TRUE") if self.channel == "all" and not self._csp_user()
                and not self.team_id else SQL("FALSE"))

    def _csp_section_satisfaction(self):
        date_from, date_to = self._csp_bounds()
        [(sent, answered, score, promoters, detractors)] = self._q(SQL("""
            SELECT count(*), count(so.csp_feedback_at),
                   avg(so.csp_satisfaction_score) FILTER (WHERE so.csp_feedback_at IS NOT NULL),
                   count(*) FILTER (WHERE so.csp_nps_category = 'promoter'),
                   count(*) FILTER (WHERE so.csp_nps_category = 'detractor')
              FROM sale_order so
             WHERE so.csp_survey_sent_at BETWEEN %s AND %s AND so.csp_survey_input_id IS NOT NULL
               AND %s
        """, date_from, date_to, self._csp_scope()))
        nps = round(100.0 * (promoters - detractors) / answered, 1) if answered else None
        response = pct(answered, sent)
        return self._section(
            "satisfaction", self.env._("Satisfaction"),
            metrics=[(self.env._("Surveys sent"), sent, None, None),
                     self._csp_measured("survey_response", self.env._("Response rate"),
                                        self._fmt_pct(response)),
                     (self.env._("Average satisfaction (1-5)"),
                      round(score, 2) if score is not None else "-", None, None),
                     self._csp_measured("nps", self.env._("NPS"),
                                        nps if nps is not None else "-")],
            available=bool(sent), goals={"survey_response": response, "nps": nps})

    def _csp_section_money(self):
        date_from, date_to = self._csp_bounds()
        [(sales,)] = self._q(SQL("""
            SELECT COALESCE(sum(so.amount_untaxed / NULLIF(so.currency_rate, 0)), 0)
              FROM sale_order so
             WHERE so.state = 'sale' AND so.date_order BETWEEN %s AND %s AND %s
        """, date_from, date_to, self._csp_scope()))
        user = self._csp_user()
        invoice_scope = SQL("m.company_id = %s", self.company_id.id)
        if user:
            invoice_scope = SQL("%s AND m.invoice_user_id = %s", invoice_scope, user.id)
        [(receivable, overdue)] = self._q(SQL("""
            SELECT COALESCE(sum(m.amount_residual_signed), 0),
                   COALESCE(sum(m.amount_residual_signed) FILTER (
                       WHERE m.invoice_date_due < %s), 0)
              FROM account_move m
             WHERE m.move_type = 'out_invoice' AND m.state = 'posted'
               AND m.payment_state IN ('not_paid', 'partial') AND %s
        """, self.date_to, invoice_scope))
        by_level = self._q(SQL("""
            SELECT COALESCE(l.name->>%s, %s), count(*), sum(m.amount_residual_signed)
              FROM account_move m
              LEFT JOIN csp_dunning_level l ON l.id = m.csp_dunning_level_id
             WHERE m.move_type = 'out_invoice' AND m.state = 'posted'
               AND m.payment_state IN ('not_paid', 'partial') AND m.invoice_date_due < %s
               AND %s
             GROUP BY 1 ORDER BY 3 DESC
        """, self.env.lang or "en_US", self.env._("Not reminded yet"), self.date_to,
            invoice_scope))
        days = (self.date_to - self.date_from).days + 1
        dso = round(receivable / sales * days, 1) if sales else None
        currency = self.company_id.currency_id
        cost = self._csp_sales_cost()
        market = self.env["csp.market.size"]._csp_market_for(
            self.company_id, self.date_from, self.date_to)
        share = round(100.0 * sales / market, 2) if market else None
        return self._section(
            "money", self.env._("Money"),
            metrics=[self._csp_measured("sales_value", self.env._("Sales value"),
                                        self._fmt_money(sales, currency)),
                     (self.env._("Overdue receivables"), self._fmt_money(overdue, currency),
                      None, None),
                     self._csp_measured("dso", self.env._("Days sales outstanding"),
                                        dso if dso is not None else "-"),
                     self._csp_measured("sales_cost",
                                        self.env._("Own cost of the sales department"),
                                        self._fmt_money(cost, currency) if cost is not None
                                        else "-"),
                     self._csp_measured("market_share", self.env._("Market share"),
                                        self._fmt_pct(share))],
            goals={"sales_value": sales, "dso": dso,
                   **({"sales_cost": cost} if cost is not None else {}),
                   **({"market_share": share} if market else {})},
            tables=[(self.env._("Overdue per dunning level"),
                     [self.env._("Level"), self.env._("Invoices"), self.env._("Amount")],
                     [[row[0], row[1], self._fmt_money(row[2], currency)] for row in by_level])],
            available=bool(sales or receivable))

    def _csp_sales_cost(self):
        """The expense lines of the sales department's analytic account in
        the period (a positive amount), or None without the account."""
        account = self.company_id.csp_sales_analytic_account_id
        if not account:
            return None
        date_from, date_to = self.date_from, self.date_to
        [(cost,)] = self._q(SQL("""
            SELECT -COALESCE(sum(l.amount), 0)
              FROM account_analytic_line l
             WHERE %s = %s AND l.amount < 0 AND l.date BETWEEN %s AND %s
               AND l.company_id = %s
        """, SQL.identifier("l", account.plan_id._column_name()), account.id, date_from,
            date_to, self.company_id.id))
        return cost

    def _csp_section_materials(self):
        date_from, date_to = self._csp_bounds()
        user = self._csp_user()
        scope = SQL("s.company_id = %s", self.company_id.id)
        if user:
            scope = SQL("%s AND s.salesperson_id = %s", scope, user.id)
        [(sends, received, timely, hours)] = self._q(SQL("""
            SELECT count(*), count(s.received_at), count(*) FILTER (WHERE s.on_time),
                   avg(s.hours_to_receive) FILTER (WHERE s.received_at IS NOT NULL)
              FROM csp_sales_material_send s
             WHERE s.approved_at BETWEEN %s AND %s AND %s
        """, date_from, date_to, scope))
        hours = round(hours, 2) if hours is not None else None
        return self._section(
            "materials", self.env._("Sales materials"),
            metrics=[(self.env._("Sends"), sends, None, None),
                     (self.env._("Received"), received, None, None),
                     self._csp_measured("materials_time", self.env._("Average hours to receipt"),
                                        hours if hours is not None else "-"),
                     (self.env._("Received within the target"),
                      self._fmt_pct(pct(timely, sends)), None, None)],
            available=bool(sends), goals={"materials_time": hours})

    def _csp_split(self, column):
        """The order metrics per channel or per salesperson."""
        date_from, date_to = self._csp_bounds()
        key = SQL.identifier("so", column)
        rows = self._q(SQL("""
            SELECT %(key)s,
                   count(*) FILTER (WHERE so.state IN ('sent', 'sale')
                                     OR so.csp_answered_at IS NOT NULL),
                   count(*) FILTER (WHERE so.state = 'sale'),
                   avg(so.csp_answer_hours) FILTER (WHERE so.csp_answered_at IS NOT NULL),
                   avg(so.csp_fulfilment_days) FILTER (WHERE so.csp_delivered_at IS NOT NULL),
                   COALESCE(sum(so.amount_untaxed / NULLIF(so.currency_rate, 0))
                            FILTER (WHERE so.state = 'sale'), 0),
                   avg(so.csp_satisfaction_score) FILTER (WHERE so.csp_feedback_at IS NOT NULL)
              FROM sale_order so
             WHERE so.date_order BETWEEN %(start)s AND %(end)s AND %(scope)s
             GROUP BY 1 ORDER BY 1
        """, key=key, start=date_from, end=date_to, scope=self._csp_scope()))
        if column == "user_id":
            users = self.env["res.users"].browse([r[0] for r in rows if r[0]]).sudo()
            names = {u.id: u.name for u in users}
        else:
            names = dict(self.env["sale.order"]._fields["csp_service"]._description_selection(
                self.env))
        currency = self.company_id.currency_id
        return {
            "headers": [self.env._("Channel") if column == "csp_service"
                        else self.env._("Salesperson"), self.env._("Offers"), self.env._("Won"),
                        self.env._("Success %"), self.env._("Answer (h)"),
                        self.env._("Fulfilment (days)"), self.env._("Sales value"),
                        self.env._("Satisfaction")],
            "rows": [[names.get(r[0], "-"), r[1], r[2], self._fmt_pct(pct(r[2], r[1])),
                      round(r[3], 2) if r[3] is not None else "-",
                      round(r[4], 2) if r[4] is not None else "-",
                      self._fmt_money(r[5], currency),
                      round(r[6], 2) if r[6] is not None else "-"] for r in rows],
        }
