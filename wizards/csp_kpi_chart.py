"""The charts of the management report's PDF (reports/csp_kpi_report.xml):
a small bar chart as SVG, inlined in the page as a data URI.  Mixed into
csp.kpi.report."""

import base64

from markupsafe import Markup

from odoo import models


class CspKpiChart(models.AbstractModel):
    _name = "csp.kpi.chart"
    _description = "Management Report Chart"

    def _csp_svg_bars(self, points, width=720, height=240, target=None):
        """A bar chart as SVG, for the PDF (a manager looks rather than
        reads): a value axis with its grid, each bar with its value, the
        labels under them at a size one reads on paper, and `target` as a
        dashed line."""
        if not points:
            return ""
        left, bottom, top_margin = 48, 28, 20
        values = [value or 0 for _label, value in points]
        top = max([*values, target or 0]) or 1
        plot_w, plot_h = width - left - 8, height - bottom - top_margin
        step = plot_w / len(points)

        def y(value):
            return top_margin + plot_h - plot_h * value / top

        parts = []
        for tick in (0, top / 2, top):
            parts.append(Markup(
                '<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ccc" stroke-width="1"/>'
                '<text x="%d" y="%.1f" font-size="12" text-anchor="end" fill="#555">%s</text>'
            ) % (left, width - 8, y(tick), y(tick), left - 6, y(tick) + 4,
                 f"{tick:,.0f}" if top >= 10 else f"{tick:,.1f}"))
        for index, ((label, _value), value) in enumerate(zip(points, values, strict=True)):
            x = left + index * step + step * 0.15
            parts.append(Markup(
                '<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#714B67"/>'
                '<text x="%.1f" y="%.1f" font-size="12" text-anchor="middle">%s</text>'
                '<text x="%.1f" y="%d" font-size="12" text-anchor="middle" fill="#333">%s</text>'
            ) % (x, y(value), step * 0.7, top_margin + plot_h - y(value),
                 x + step * 0.35, y(value) - 4, value,
                 x + step * 0.35, height - 8, label))
        if target is not None:
            parts.append(Markup(
                '<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#d9534f" stroke-width="2" '
                'stroke-dasharray="6,4"/>') % (left, width - 8, y(target), y(target)))
        parts.append(Markup('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#333"/>') % (
            left, width - 8, y(0), y(0)))
        return Markup('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
                      'font-family="sans-serif">%s</svg>') % (width, height, Markup("").join(parts))

    def _csp_svg_data_uri(self, svg):
        return "data:image/svg+xml;base64," + base64.b64encode(str(svg).encode()).decode()
