"""The process cards' metrics, month by month, for the managers' dashboard
(*Dashboards → Customer Service*) and the pivot *Reporting → Process
Figures* (issue 19, part 5).

A figure is a numerator and a denominator per metric, company, month,
channel (served by), salesperson and team, so that every figure stays
additive: the pivot sums them over any grouping and the dashboard divides
(an average is hours over orders, a rate 100 x hits over cases, a count has
no denominator).  The same SQL conditions as the management report's
sections (wizards/csp_kpi_sections.py), month by month, so that the monthly
PDF and the dashboard show the same figures.

Target rows (`is_target`) carry each metric's target for each company and
month, read from the cards as the report reads them: the company's own row
in force on the month's last day, else its own card's target, else the
shared card's.  A view: nothing is stored, the figures are live."""

from odoo import fields, models, tools
from odoo.tools import SQL


class CspProcessFigure(models.Model):
    _name = "csp.process.figure"
    _description = "Process Figure"
    _auto = False
    _order = "date desc, code"
    _rec_name = "code"

    code = fields.Char(string="Metric Code", readonly=True)
    metric_id = fields.Many2one("csp.process.metric", readonly=True)
    process_id = fields.Many2one("csp.process", string="Process Card", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Date(string="Month", readonly=True)
    csp_service = fields.Selection(
        [("head_office", "Head office"), ("field", "Field rep")], string="Served by",
        readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    numerator = fields.Float(readonly=True, aggregator="sum",
                             help="Hours, days, amounts, counts or 100 x hits: the figure is "
                                  "the numerator over the denominator, or the numerator "
                                  "alone for a count or an amount.")
    denominator = fields.Float(readonly=True, aggregator="sum",
                               help="Orders, cases or quantities the numerator is divided by.")
    is_target = fields.Boolean(string="Target Row", readonly=True)
    target = fields.Float(readonly=True, aggregator="max",
                          help="The card's target for the company on the month's last day.")
    direction = fields.Integer(readonly=True, aggregator="max",
                               help="1: the figure is at most the target, -1: at least, "
                                    "0: exactly.")

    # ----------------------------------------------------------- the figures

    def _get_figure_queries(self):
        """{metric code: SQL} selecting company_id, date (the month's first
        day), csp_service, user_id, team_id, numerator, denominator for
        that metric.  Override to add a metric of your own cards, or to
        change how one is counted (keep the management report's section in
        step)."""
        month = "date_trunc('month', %s)::date"
        order_keys = SQL("so.company_id, so.csp_service, so.user_id, so.team_id")
        on = SQL.identifier

        def orders(stamp, numerator, denominator, where):
            return SQL("""
                SELECT %(keys)s, %(month)s AS date,
                       %(numerator)s AS numerator, %(denominator)s AS denominator
                  FROM sale_order so
                 WHERE %(stamp)s IS NOT NULL AND %(where)s
                 GROUP BY %(keys)s, 5
            """, keys=order_keys, month=SQL(month, on("so", stamp)), stamp=on("so", stamp),
                numerator=numerator, denominator=denominator, where=where)

        offered = SQL("(so.state IN ('sent', 'sale') OR so.csp_answered_at IS NOT NULL)")
        confirmed = SQL("so.state = 'sale'")
        sales = SQL("sum(so.amount_untaxed / NULLIF(so.currency_rate, 0))")
        complaints = SQL("""
            FROM csp_complaint c
            LEFT JOIN sale_order so ON so.id = c.order_id""")
        complaint_keys = SQL("c.company_id, so.csp_service, so.user_id, so.team_id")
        returns = SQL("""
            SELECT so.company_id, so.csp_service, so.user_id, so.team_id,
                   date_trunc('month', m.date)::date AS date,
                   sum(m.product_qty) AS returned
              FROM stock_move m
              JOIN stock_move o ON o.id = m.origin_returned_move_id
              JOIN stock_picking op ON op.id = o.picking_id
              JOIN sale_order so ON so.id = op.sale_id
             WHERE m.state = 'done' AND m.csp_returned_by_id IS NOT NULL
             GROUP BY 1, 2, 3, 4, 5""")
        delivered = SQL("""
            SELECT so.company_id, so.csp_service, so.user_id, so.team_id,
                   date_trunc('month', m.date)::date AS date,
                   sum(m.product_qty) AS delivered
              FROM stock_move m
              JOIN stock_picking pk ON pk.id = m.picking_id
              JOIN sale_order so ON so.id = pk.sale_id
             WHERE m.state = 'done' AND pk.csp_is_customer_delivery
             GROUP BY 1, 2, 3, 4, 5""")
        return {
            "orders_per_channel": orders("date_order", SQL("count(*)"), SQL("NULL::float"),
                                         confirmed),
            "offer_success": orders(
                "date_order", SQL("100.0 * count(*) FILTER (WHERE so.state = 'sale')"),
                SQL("count(*)"), offered),
            "sales_value": orders("date_order", sales, SQL("NULL::float"), confirmed),
            "answer_time": orders("csp_answered_at", SQL("sum(so.csp_answer_hours)"),
                                  SQL("count(*)"), SQL("so.csp_answer_hours IS NOT NULL")),
            "fulfilment_time": orders(
                "csp_delivered_at", SQL("sum(so.csp_fulfilment_days)"), SQL("count(*)"),
                SQL("so.csp_fulfilment_days IS NOT NULL")),
            "survey_response": orders(
                "csp_survey_sent_at", SQL("100.0 * count(so.csp_feedback_at)"),
                SQL("count(*)"), SQL("so.csp_survey_input_id IS NOT NULL")),
            "nps": orders(
                "csp_survey_sent_at",
                SQL("100.0 * (count(*) FILTER (WHERE so.csp_nps_category = 'promoter')"
                    " - count(*) FILTER (WHERE so.csp_nps_category = 'detractor'))"),
                SQL("count(so.csp_feedback_at)"), SQL("so.csp_survey_input_id IS NOT NULL")),
            "new_customers": SQL("""
                -- Each new customer once, with the salesperson and channel of
                -- his first confirmed order in the company.
                SELECT first.company_id, first.csp_service, first.user_id, first.team_id,
                       date_trunc('month', first.since)::date AS date,
                       count(*) AS numerator, NULL::float AS denominator
                  FROM (SELECT DISTINCT ON (so.company_id, p.commercial_partner_id)
                               so.company_id, so.csp_service, so.user_id, so.team_id,
                               cp.csp_customer_since AS since
                          FROM sale_order so
                          JOIN res_partner p ON p.id = so.partner_id
                          JOIN res_partner cp ON cp.id = p.commercial_partner_id
                         WHERE so.state = 'sale' AND cp.csp_customer_since IS NOT NULL
                         ORDER BY so.company_id, p.commercial_partner_id, so.date_order, so.id
                       ) first
                 GROUP BY 1, 2, 3, 4, 5"""),
            "late_productions": SQL("""
                SELECT %(keys)s, date_trunc('month', mp.date_finished)::date AS date,
                       count(*) FILTER (WHERE so.commitment_date IS NOT NULL
                                          AND mp.date_finished > so.commitment_date),
                       NULL::float
                  FROM mrp_production mp
                  JOIN sale_order so ON so.id = mp.csp_sale_order_id
                 WHERE mp.state = 'done' AND mp.date_finished IS NOT NULL
                 GROUP BY %(keys)s, 5""", keys=order_keys),
            "returns": SQL("""
                SELECT company_id, csp_service, user_id, team_id, date, returned,
                       NULL::float FROM (%s) r""", returns),
            "returns_rate": SQL("""
                SELECT company_id, csp_service, user_id, team_id, date, 100.0 * returned, 0
                  FROM (%s) r
                 UNION ALL
                SELECT company_id, csp_service, user_id, team_id, date, 0, delivered
                  FROM (%s) d""", returns, delivered),
            "complaint_rate": SQL("""
                SELECT %(keys)s, date_trunc('month', c.received_at)::date AS date,
                       100.0 * count(*), 0
                       %(complaints)s
                 GROUP BY %(keys)s, 5
                 UNION ALL
                SELECT %(order_keys)s, date_trunc('month', so.date_order)::date, 0, count(*)
                  FROM sale_order so
                 WHERE so.state = 'sale'
                 GROUP BY %(order_keys)s, 5""", keys=complaint_keys, complaints=complaints,
                order_keys=order_keys),
            "complaints_in_time": SQL("""
                SELECT %(keys)s, date_trunc('month', c.closed_at)::date AS date,
                       100.0 * count(*) FILTER (WHERE c.resolved_on_time), count(*)
                       %(complaints)s
                 WHERE c.is_closed AND c.closed_at IS NOT NULL
                 GROUP BY %(keys)s, 5""", keys=complaint_keys, complaints=complaints),
            "warranty_claims": SQL("""
                SELECT %(keys)s, date_trunc('month', c.received_at)::date AS date,
                       count(*), NULL::float
                       %(complaints)s
                 WHERE c.warranty_state IS NOT NULL
                 GROUP BY %(keys)s, 5""", keys=complaint_keys, complaints=complaints),
            "materials_time": SQL("""
                SELECT s.company_id, NULL::varchar, s.salesperson_id, NULL::integer,
                       date_trunc('month', s.approved_at)::date AS date,
                       sum(s.hours_to_receive), count(*)
                  FROM csp_sales_material_send s
                 WHERE s.approved_at IS NOT NULL AND s.received_at IS NOT NULL
                 GROUP BY 1, 2, 3, 4, 5"""),
            "market_share": SQL("""
                SELECT %(order_keys)s, date_trunc('month', so.date_order)::date AS date,
                       100.0 * %(sales)s, 0
                  FROM sale_order so
                 WHERE so.state = 'sale'
                 GROUP BY %(order_keys)s, 5
                 UNION ALL
                -- Each market size counted for the days it shares with the
                -- month; a month some day of which has no size has none (as
                -- the report: no market share rather than a wrong one).
                SELECT company_id, NULL, NULL, NULL, month, 0, sum(amount * days / size_days)
                  FROM (SELECT ms.company_id, ms.amount, month::date AS month,
                               ms.date_to - ms.date_from + 1 AS size_days,
                               LEAST(ms.date_to, (month + interval '1 month - 1 day')::date)
                               - GREATEST(ms.date_from, month::date) + 1 AS days
                          FROM csp_market_size ms,
                               generate_series(date_trunc('month', ms.date_from),
                                               date_trunc('month', ms.date_to),
                                               interval '1 month') AS month
                         WHERE month <= now() AT TIME ZONE 'UTC') sized
                 GROUP BY company_id, month
                HAVING sum(days) = (month + interval '1 month')::date - month
                 """, order_keys=order_keys, sales=sales),
        }

    def _csp_metric_of(self):
        """(code, company_id, metric_id, process_id, comparison, target): the
        metric that measures each code for each company (its own card's,
        else the shared card's), as `csp.process.metric._csp_find`."""
        return SQL("""
            SELECT DISTINCT ON (m.code, c.id) m.code, c.id AS company_id,
                   m.id AS metric_id, p.id AS process_id, m.comparison, m.target
              FROM csp_process_metric m
              JOIN csp_process p ON p.id = m.process_id AND p.active
              JOIN res_company c ON p.company_id IS NULL OR p.company_id = c.id
             WHERE m.code IS NOT NULL
             ORDER BY m.code, c.id, p.company_id IS NULL, m.id""")

    def _query(self):
        figures = SQL(" UNION ALL ").join(
            SQL("SELECT %s AS code, f.* FROM (%s) f", code, query)
            for code, query in self._get_figure_queries().items())
        return SQL("""
            WITH metric AS (%(metric)s),
            figure (code, company_id, csp_service, user_id, team_id, date, numerator,
                    denominator) AS (%(figures)s)
            SELECT %(id)s AS id, f.code, metric.metric_id, metric.process_id,
                   f.company_id, f.date, f.csp_service, f.user_id, f.team_id,
                   f.numerator, f.denominator, FALSE AS is_target,
                   NULL::float AS target, NULL::integer AS direction
              FROM (SELECT code, company_id, csp_service, user_id, team_id, date,
                           sum(numerator) AS numerator, sum(denominator) AS denominator
                      FROM figure GROUP BY 1, 2, 3, 4, 5, 6) f
              LEFT JOIN metric ON metric.code = f.code AND metric.company_id = f.company_id
             UNION ALL
            -- The target on the month's last day, as the report reads it.
            SELECT %(target_id)s, metric.code, metric.metric_id, metric.process_id,
                   metric.company_id, month::date, NULL, NULL, NULL, NULL, NULL, TRUE,
                   COALESCE((SELECT t.target
                               FROM csp_process_target t
                               JOIN csp_process_metric tm ON tm.id = t.metric_id
                               JOIN csp_process tp ON tp.id = tm.process_id AND tp.active
                              WHERE tm.code = metric.code AND t.company_id = metric.company_id
                                AND (t.date_from IS NULL
                                     OR t.date_from <= month + interval '1 month - 1 day')
                              ORDER BY t.date_from DESC NULLS LAST, t.id DESC
                              LIMIT 1), metric.target),
                   CASE metric.comparison WHEN 'max' THEN 1 WHEN 'min' THEN -1 ELSE 0 END
              FROM metric,
                   generate_series(
                       -- From the first order's month, or twelve months back
                       -- when that is earlier, to this month.
                       LEAST((SELECT date_trunc('month', min(date_order)) FROM sale_order),
                             date_trunc('month', now() AT TIME ZONE 'UTC')
                             - interval '12 months'),
                       date_trunc('month', now() AT TIME ZONE 'UTC'),
                       interval '1 month') AS month
        """, metric=self._csp_metric_of(), figures=figures,
            id=self._csp_row_id(SQL(
                "f.code, f.company_id, f.date, f.csp_service, f.user_id, f.team_id")),
            target_id=self._csp_row_id(SQL(
                "'target', metric.code, metric.company_id, month")))

    @staticmethod
    def _csp_row_id(key):
        # A hash of the row's key, not row_number(): a window function would
        # keep PostgreSQL from pushing the pivot's conditions (month, target
        # rows) into the view.  52 bits: a JavaScript number holds it.
        return SQL("('x' || substr(md5(concat_ws('/', %s)), 1, 13))::bit(52)::bigint", key)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)",
                                SQL.identifier(self._table), self._query()))
