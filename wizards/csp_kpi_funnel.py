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

    def _csp_funnel_groups(self):
        """The period's inquiries summed per channel, per source, per
        salesperson and per lost reason, in one pass over the funnel
        (grouping sets): {dimension: [(value, inquiries, offers, accepted,
        delivered, paid, lost, lost at the inquiry, lost at the offer)]}."""
        date_from, date_to = self._csp_bounds()
        rows = self._q(SQL("""
            SELECT GROUPING(f.channel), GROUPING(f.source_id), GROUPING(f.user_id),
                   f.channel, f.source_id, f.user_id, f.lost_reason_id, %(sums)s,
                   count(*) FILTER (WHERE f.lost_at = 'inquiry'),
                   count(*) FILTER (WHERE f.lost_at = 'offer')
              FROM csp_funnel f
             WHERE f.date BETWEEN %(start)s AND %(end)s AND %(scope)s
             GROUP BY GROUPING SETS ((f.channel), (f.source_id), (f.user_id), (f.lost_reason_id))
        """, sums=SQL(", ").join(SQL("sum(%s)", SQL.identifier("f", step)) for step in STEPS),
            start=date_from, end=date_to, scope=self._csp_scope("f")))
        groups = {"channel": [], "source": [], "user": [], "lost": []}
        for no_channel, no_source, no_user, channel, source, user, reason, *sums in rows:
            if not no_channel:
                groups["channel"].append((channel, *sums))
            elif not no_source:
                groups["source"].append((source, *sums))
            elif not no_user:
                groups["user"].append((user, *sums))
            elif sums[5]:
                groups["lost"].append((reason, *sums))
        for values in groups.values():
            values.sort(key=lambda row: (-row[1], str(row[0])))
        return groups

    def _csp_section_funnel(self):
        env = self.env
        groups = self._csp_funnel_groups()
        channels = dict(env["csp.funnel"]._fields["channel"]._description_selection(env))
        # Names only, whatever the reader may open.
        sources = {source.id: source.name for source in env["utm.source"].sudo().browse(
            [row[0] for row in groups["source"] if row[0]])}
        users = {user.id: user.name for user in env["res.users"].sudo().browse(
            [row[0] for row in groups["user"] if row[0]])}
        reasons = {reason.id: reason.name for reason in env["crm.lost.reason"].sudo().browse(
            [row[0] for row in groups["lost"] if row[0]])}
        by_channel = [[channels.get(row[0], row[0]), *row[1:7]] for row in groups["channel"]]
        by_source = [[sources.get(row[0]) or env._("Unknown"), *row[1:7]]
                     for row in groups["source"]]
        by_user = [[users.get(row[0]) or env._("Nobody"), *row[1:7]] for row in groups["user"]]
        lost = sorted(([reasons.get(row[0]) or env._("No reason given"), row[7], row[8], row[6]]
                       for row in groups["lost"]), key=lambda row: (-row[3], row[0]))
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
                (env._("Funnel by source"), [env._("Heard of Us Through"), *steps], by_source),
                (env._("Funnel by salesperson"), [env._("Salesperson"), *steps], by_user),
                (env._("Lost by reason"), [env._("Reason"), env._("At the inquiry"),
                                           env._("At the offer"), env._("Lost")], lost),
            ],
            chart=list(zip(steps[:5], totals[:5], strict=True)),
            available=bool(inquiries))
