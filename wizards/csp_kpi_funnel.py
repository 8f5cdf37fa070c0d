"""The management report's funnel (source document 004): inquiries →
offers → accepted → delivered → paid in the period, per channel, source and
salesperson, and the lost ones by reason and by the step they were lost at,
from the funnel view (csp.funnel) in grouped queries.

Mixed into csp.kpi.report, whose scope it reads (`_csp_scope`,
`_csp_bounds`)."""

from odoo import models
from odoo.tools import SQL

from .csp_kpi_sections import pct

STEPS = ("inquiry_count", "offer_count", "accepted_count", "delivered_count", "paid_count",
         "lost_count")


class CspKpiFunnel(models.AbstractModel):
    _name = "csp.kpi.funnel"
    _description = "Management Report Funnel"

    def _csp_funnel_rows(self, group):
        """[(group value, inquiries, offers, accepted, delivered, paid, lost)]
        of the period's inquiries, per `group` (an SQL expression on f)."""
        date_from, date_to = self._csp_bounds()
        return self._q(SQL("""
            SELECT %(group)s, %(sums)s
              FROM csp_funnel f
             WHERE f.date BETWEEN %(start)s AND %(end)s AND %(scope)s
             GROUP BY 1 ORDER BY 2 DESC, 1
        """, group=group, sums=SQL(", ").join(
            SQL("sum(%s)", SQL.identifier("f", step)) for step in STEPS),
            start=date_from, end=date_to, scope=self._csp_scope("f")))

    def _csp_section_funnel(self):
        env = self.env
        channels = dict(env["csp.funnel"]._fields["channel"]._description_selection(env))
        lang = env.lang or "en_US"
        by_channel = [[channels.get(row[0], row[0]), *row[1:]]
                      for row in self._csp_funnel_rows(SQL("f.channel"))]
        by_source = self._csp_funnel_rows(SQL(
            "COALESCE((SELECT s.name FROM utm_source s WHERE s.id = f.source_id), %s)",
            env._("Unknown")))
        by_user = self._csp_funnel_rows(SQL(
            "COALESCE((SELECT p.name FROM res_users u JOIN res_partner p ON p.id = u.partner_id"
            " WHERE u.id = f.user_id), %s)", env._("Nobody")))
        date_from, date_to = self._csp_bounds()
        lost = self._q(SQL("""
            SELECT COALESCE(r.name->>%(lang)s, r.name->>'en_US', %(none)s),
                   count(*) FILTER (WHERE f.lost_at = 'inquiry'),
                   count(*) FILTER (WHERE f.lost_at = 'offer'), count(*)
              FROM csp_funnel f
              LEFT JOIN crm_lost_reason r ON r.id = f.lost_reason_id
             WHERE f.lost_count = 1 AND f.date BETWEEN %(start)s AND %(end)s AND %(scope)s
             GROUP BY 1 ORDER BY 4 DESC, 1
        """, lang=lang, none=env._("No reason given"), start=date_from, end=date_to,
            scope=self._csp_scope("f")))
        totals = [sum(row[index] for row in by_channel) for index in range(1, 7)]
        inquiries, offers, accepted, delivered, paid, lost_count = totals
        steps = [env._("Inquiries"), env._("Offers"), env._("Accepted"), env._("Delivered"),
                 env._("Paid"), env._("Lost")]
        headers = [env._("Channel"), *steps]
        return self._section(
            "funnel", env._("Funnel"),
            metrics=[
                (env._("Inquiries"), inquiries, None, None),
                (env._("Offers"), offers, None, None),
                (env._("Accepted"), accepted, None, None),
                (env._("Delivered"), delivered, None, None),
                (env._("Paid"), paid, None, None),
                (env._("Lost"), lost_count, None, None),
                (env._("Inquiries accepted"), self._fmt_pct(pct(accepted, inquiries)), None,
                 None),
            ],
            tables=[
                (env._("Funnel by channel"), headers, by_channel),
                (env._("Funnel by source"), [env._("Heard of Us Through"), *steps],
                 [list(row) for row in by_source]),
                (env._("Funnel by salesperson"), [env._("Salesperson"), *steps],
                 [list(row) for row in by_user]),
                (env._("Lost by reason"), [env._("Reason"), env._("At the inquiry"),
                                           env._("At the offer"), env._("Lost")],
                 [list(row) for row in lost]),
            ],
            chart=list(zip(steps[:5], totals[:5], strict=True)),
            available=bool(inquiries))
