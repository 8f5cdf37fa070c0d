"""The charts of the management report's PDF (reports/csp_kpi_report.xml):
a small bar chart as SVG, inlined in the page as a data URI.  Mixed into
csp.kpi.report."""

import base64

from markupsafe import Markup

from odoo import models


class CspKpiChart(models.AbstractModel):
    _name = "csp.kpi.chart"
    _description = "Management Report Chart"

    def _csp_svg_bars(self, points, width=480, height=140):
        """A small bar chart as SVG, for the PDF (a manager looks rather than reads)."""
        if not points:
            return ""
        top = max(value for _label, value in points) or 1
        step = width / len(points)
        bars = []
        for index, (label, value) in enumerate(points):
            bar = (height - 30) * value / top
            x = index * step + step * 0.15
            bars.append(Markup(
                '<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#714B67"/>'
                '<text x="%.1f" y="%.1f" font-size="10" text-anchor="middle">%s</text>'
                '<text x="%.1f" y="%d" font-size="9" text-anchor="middle">%s</text>') % (
                x, height - 20 - bar, step * 0.7, bar, x + step * 0.35, height - 24 - bar, value,
                x + step * 0.35, height - 5, label))
        return Markup('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d">%s</svg>'
                      ) % (width, height, Markup("").join(bars))

    def _csp_svg_data_uri(self, svg):
        return "data:image/svg+xml;base64," + base64.b64encode(str(svg).encode()).decode()
