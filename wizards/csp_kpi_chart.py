"""The charts of the management report's PDF (reports/csp_kpi_report.xml):
a small bar chart as SVG, inlined in the page as a data URI.  Mixed into
csp.kpi.report."""

import base64
import re

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

    @staticmethod
    def _csp_number(value):
        """The number a figure shows ("100.0 %", "+20 %", 8.0), or None."""
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            return float(value)
        number = getattr(value, "number", None)
        if number is not None:
            return float(number)
        found = re.search(r"[-+]?\d+(?:[.,]\d+)?", str(value).replace("\xa0", ""))
        return float(found.group().replace(",", ".")) if found else None

    def _csp_svg_targets(self, goals, width=720):
        """Each card metric of the period against its target (`_csp_goals`),
        one row each, on its own scale: the bar is the actual (green met, red
        missed, grey without a verdict), the black mark the target."""
        rows = [(label, self._csp_number(value), self._csp_number(target), met)
                for _card, label, value, target, met, _note in goals if target is not None]
        if not rows:
            return ""
        row_h, label_w, right = 30, 300, 70
        bar_w = width - label_w - right
        parts = []
        for index, (label, actual, target, met) in enumerate(rows):
            y = index * row_h + 6
            scale = max(abs(actual or 0), abs(target or 0)) * 1.2 or 1
            color = {True: "#28a745", False: "#d9534f"}.get(met, "#999")
            parts.append(Markup(
                '<text x="0" y="%d" font-size="12" fill="#333">%s</text>'
                '<rect x="%d" y="%d" width="%d" height="14" fill="#eee"/>') % (
                y + 12, label[:48], label_w, y + 1, bar_w))
            if actual is not None:
                parts.append(Markup(
                    '<rect x="%d" y="%d" width="%.1f" height="14" fill="%s"/>'
                    '<text x="%d" y="%d" font-size="12">%s</text>') % (
                    label_w, y + 1, bar_w * max(actual, 0) / scale, color,
                    label_w + bar_w + 6, y + 12, f"{actual:g}"))
            else:
                parts.append(Markup('<text x="%d" y="%d" font-size="12" fill="#999">-</text>') % (
                    label_w + bar_w + 6, y + 12))
            if target is not None:
                x = label_w + bar_w * max(target, 0) / scale
                parts.append(Markup(
                    '<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="#000" stroke-width="3"/>'
                ) % (x, x, y - 2, y + 18))
        height = len(rows) * row_h + 8
        return Markup('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
                      'font-family="sans-serif">%s</svg>') % (width, height, Markup("").join(parts))

    def _csp_svg_trends(self, trends, width=720, columns=2):
        """Each target's last twelve months as a small line chart, side by
        side (`_get_kpi_trends`): the line the monthly figure, the dashed red
        line the target, the last month's figure written at its point."""
        if not trends:
            return ""
        cell_w, cell_h = width / columns, 150
        left, top, bottom = 40, 24, 20
        plot_w, plot_h = cell_w - left - 16, cell_h - top - bottom - 10
        parts = []
        for index, trend in enumerate(trends):
            x0, y0 = (index % columns) * cell_w, (index // columns) * cell_h
            values = [value for _label, value in trend["points"] if value is not None]
            high = max([*values, trend["target"] or 0, 0]) or 1
            low = min([*values, 0])
            step = plot_w / max(len(trend["points"]) - 1, 1)

            def y(value, y0=y0, high=high, low=low):
                return y0 + top + plot_h - plot_h * (value - low) / ((high - low) or 1)

            parts.append(Markup(
                '<text x="%.1f" y="%.1f" font-size="13" font-weight="bold" fill="#333">%s</text>'
            ) % (x0, y0 + 14, trend["title"]))
            for tick in (low, high):
                parts.append(Markup(
                    '<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#ddd"/>'
                    '<text x="%.1f" y="%.1f" font-size="11" text-anchor="end" fill="#555">%s</text>'
                ) % (x0 + left, x0 + left + plot_w, y(tick), y(tick), x0 + left - 4,
                     y(tick) + 4, f"{tick:g}"))
            if trend["target"] is not None:
                parts.append(Markup(
                    '<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#d9534f" '
                    'stroke-width="1.5" stroke-dasharray="5,3"/>') % (
                    x0 + left, x0 + left + plot_w, y(trend["target"]), y(trend["target"])))
            points = []
            for position, (label, value) in enumerate(trend["points"]):
                x = x0 + left + position * step
                if (len(trend["points"]) - 1 - position) % 2 == 0:  # every other month
                    parts.append(Markup(
                        '<text x="%.1f" y="%.1f" font-size="11" text-anchor="middle" '
                        'fill="#555">%s</text>') % (x, y0 + cell_h - 12, label))
                if value is not None:
                    points.append((x, y(value)))
                    parts.append(Markup('<circle cx="%.1f" cy="%.1f" r="2.5" fill="#714B67"/>')
                                 % (x, y(value)))
            if len(points) > 1:
                parts.append(Markup(
                    '<polyline points="%s" fill="none" stroke="#714B67" stroke-width="2"/>') % (
                    " ".join(f"{x:.1f},{yy:.1f}" for x, yy in points)))
            last = trend["points"][-1][1]
            if last is not None:
                parts.append(Markup(
                    '<text x="%.1f" y="%.1f" font-size="12" text-anchor="end" fill="#333">'
                    '%s %s</text>') % (x0 + left + plot_w, y(last) - 6, f"{last:g}",
                                       trend["unit"]))
        height = -(-len(trends) // columns) * cell_h
        return Markup('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
                      'font-family="sans-serif">%s</svg>') % (width, height, Markup("").join(parts))

    def _csp_svg_data_uri(self, svg):
        return "data:image/svg+xml;base64," + base64.b64encode(str(svg).encode()).decode()
