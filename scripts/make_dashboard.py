#!/usr/bin/env python3
"""Write the managers' dashboard, data/files/csp_process_dashboard.json: an
o-spreadsheet document for Odoo's Dashboards app (spreadsheet_dashboard).

    python scripts/make_dashboard.py     # rewrites the JSON file

Its figures come from the pivots of `csp.process.figure` (numerators and
denominators, per metric code and month), its targets from that model's
target rows: the cells divide, compare and lay out, so that what a manager
sees is live and the targets are the cards'.  The layout is written here,
not drawn in a spreadsheet editor (Community's dashboards are read only),
so that a change is a reviewable diff; the labels are `_t("…")` formulas,
which Odoo's translation export picks up from a `*_dashboard.json`."""

import json
import pathlib

OUT = pathlib.Path(__file__).resolve().parent.parent / "data/files/csp_process_dashboard.json"
MODEL = "csp.process.figure"
SHEET = "csp_process_dashboard"

# (code, label, unit, kind) in the cards' order.  kind: "ratio" divides the
# numerator by the denominator, "count" and "money" show the numerator,
# "growth" compares the month's new customers with the month before,
# "report" is measured by the monthly PDF only.
METRICS = [
    ("new_customers", "New customers", "customers", "count"),
    ("new_customers_growth", "Growth of new customers", "% month over month", "growth"),
    ("materials_time", "Sales materials: hours to receipt", "working hours", "ratio"),
    ("sales_value", "Sales value", "company currency", "money"),
    ("sales_cost", "Own cost of the sales department", "company currency", "report"),
    ("market_share", "Market share", "%", "ratio"),
    ("orders_per_channel", "Orders won", "orders", "count"),
    ("answer_time", "Time to the feasibility answer", "working hours", "ratio"),
    ("offer_success", "Offer success rate", "%", "ratio"),
    ("late_productions", "Manufacturing after the promised date", "orders", "count"),
    ("fulfilment_time", "Total order lead time", "working days", "ratio"),
    ("nps", "Net promoter score", "points", "ratio"),
    ("survey_response", "Survey response", "%", "ratio"),
    ("dso", "Days sales outstanding", "days", "report"),
    ("returns", "Returned products", "pieces", "count"),
    ("returns_rate", "Returned of delivered", "%", "ratio"),
    ("complaints_in_time", "Complaints resolved in time", "%", "ratio"),
    ("warranty_claims", "Warranty claims", "claims", "count"),
    ("complaint_rate", "Complaint rate", "% of orders", "ratio"),
]
# The salesperson table's columns.
REP_METRICS = ["sales_value", "orders_per_channel", "offer_success", "new_customers",
               "answer_time", "fulfilment_time", "complaint_rate", "nps"]
REP_ROWS = 30
MONTHS = 12
# The first table's columns; F … Q are the twelve months.
VALUE, TARGET, MET, UNIT = "B", "C", "D", "E"

# Global filters: their ids are referenced by the pivots' field matching.
F_MONTH, F_USER, F_SERVICE, F_TEAM, F_COMPANY = (
    "csp-month", "csp-salesperson", "csp-served-by", "csp-team", "csp-company")
# Pivots: 1 figures per code and month, 2 targets per code and month,
# 3 the chosen month per code and channel, 4 the chosen month per
# salesperson and code.
P_FIG, P_TARGET, P_CHANNEL, P_REP = "1", "2", "3", "4"

STYLES = {
    "1": {"textColor": "#01666b", "bold": True, "fontSize": 16},
    "2": {"textColor": "#434343", "fontSize": 11, "bold": True},
    "3": {"textColor": "#434343", "verticalAlign": "middle"},
    "4": {"textColor": "#434343", "fontSize": 11, "bold": True, "align": "center"},
    "5": {"textColor": "#7f7f7f", "italic": True},
    "6": {"textColor": "#434343", "align": "center", "bold": True},
    "7": {"textColor": "#434343", "fontSize": 11, "bold": True, "wrapping": "wrap",
          "verticalAlign": "bottom"},
}
FORMATS = {"1": "#,##0.0", "2": "#,##0", "3": "mmm yyyy", "4": "mmmm yyyy"}
BORDERS = {"1": {"bottom": {"style": "thin", "color": "#CCCCCC"}}}


def col(index):
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def t(text):
    return f'=_t("{text}")'


def q(text):
    return f'"{text}"'


def pivot_value(pivot, measure, *args):
    return f'PIVOT.VALUE({pivot},"{measure}",{",".join(args)})'


def figure(code, kind, pivot, *args, rows=()):
    """The formula of one figure of `code` in `pivot`: `rows` are the
    arguments of the pivot's row groups before the code, `args` those of
    its column groups after it (PIVOT.VALUE takes them in that order)."""
    def num():
        return pivot_value(pivot, "numerator:sum", *rows, q("code"), q(code), *args)

    def den():
        return pivot_value(pivot, "denominator:sum", *rows, q("code"), q(code), *args)

    if kind == "ratio":
        return f'=IFERROR({num()}/{den()},"")'
    if kind in ("count", "money"):
        return f'=IFERROR({num()},"")'
    return None


def month_figure(code, kind, month):
    if kind == "growth":
        def new(month_expr):
            return pivot_value(P_FIG, "numerator:sum", q("code"), q("new_customers"),
                               q("date:month"), month_expr)
        before = f"EDATE({month},-1)"
        return (f'=IFERROR(100*({new(month)}-{new(before)})/{new(before)},"")')
    return figure(code, kind, P_FIG, q("date:month"), month)


def met(code, value_cell, target_cell, month):
    direction = pivot_value(P_TARGET, "direction:max", q("code"), q(code), q("date:month"),
                            month)
    return (f'=IF(OR({value_cell}="",{target_cell}=""),"",'
            f'IF({direction}=1,IF({value_cell}<={target_cell},"✓","✗"),'
            f'IF({direction}=-1,IF({value_cell}>={target_cell},"✓","✗"),'
            f'IF(ROUND({value_cell},6)=ROUND({target_cell},6),"✓","✗"))))')


def pivot(pid, name, *, rows, columns, measures, domain, filters):
    fields = {F_MONTH: ("date", "date"), F_USER: ("user_id", "many2one"),
              F_SERVICE: ("csp_service", "selection"), F_TEAM: ("team_id", "many2one"),
              F_COMPANY: ("company_id", "many2one")}
    matching = {}
    for filter_id in filters:
        chain, kind = fields[filter_id]
        matching[filter_id] = {"chain": chain, "type": kind}
        if kind == "date":
            matching[filter_id]["offset"] = 0
    return {
        "type": "ODOO", "id": pid, "formulaId": pid, "name": name, "model": MODEL,
        "domain": domain, "context": {}, "sortedColumn": None,
        "measures": [{"id": f"{field}:{agg}", "fieldName": field, "aggregator": agg}
                     for field, agg in measures],
        "rows": rows, "columns": columns, "fieldMatching": matching,
    }


class Sheet:
    """The cells and their looks, filled table by table."""

    def __init__(self):
        self.cells, self.styles, self.formats, self.borders, self.rows = {}, {}, {}, {}, {}

    def title(self, row, text):
        self.cells[f"A{row}"] = t(text)
        self.styles[f"A{row}"] = 1

    def header(self, row, labels, style=2):
        for i, label in enumerate(labels):
            self.cells[f"{col(i)}{row}"] = t(label)
        self.styles[f"A{row}:{col(len(labels) - 1)}{row}"] = style
        self.borders[f"A{row}:{col(len(labels) - 1)}{row}"] = 1


def targets_table(sheet, header):
    """The cards' metrics against their targets, this month and the last
    twelve; returns (first row, last row) of the metrics.  The figure comes
    right after the metric's name: on a phone both are on screen."""
    cells, styles, formats = sheet.cells, sheet.styles, sheet.formats
    month_cols = [col(5 + i) for i in range(MONTHS)]          # F … Q
    sheet.title(1, "Customer service against the process cards' targets")
    cells["A2"] = t("Live from Reporting → Process Figures; the targets are the process "
                    "cards' (the company's own where it has one). Sales value and own cost "
                    "are in the company currency.")
    styles["A2"] = 5
    for letter, label in (("A", "Metric"), (TARGET, "Target"), (MET, "Met"), (UNIT, "Unit")):
        cells[f"{letter}{header}"] = t(label)
    cells[f"{VALUE}{header}"] = "=DATE(YEAR(TODAY()),MONTH(TODAY()),1)"
    for i, letter in enumerate(month_cols):
        cells[f"{letter}{header}"] = f"=EDATE(${VALUE}${header},{i - MONTHS})"
    cells[f"{VALUE}{header - 1}"] = t("This month")
    cells[f"F{header - 1}"] = t("The last twelve months")
    styles[f"{VALUE}{header - 1}:Q{header - 1}"] = 5
    styles[f"A{header}:Q{header}"] = 2
    formats[f"{VALUE}{header}"] = 3
    formats[f"F{header}:Q{header}"] = 3
    sheet.borders[f"A{header}:Q{header}"] = 1
    first = header + 1
    month = f"${VALUE}${header}"
    for offset, (code, label, unit, kind) in enumerate(METRICS):
        row = first + offset
        cells[f"A{row}"] = t(label)
        cells[f"{UNIT}{row}"] = t(unit)
        cells[f"{TARGET}{row}"] = ("=IFERROR(" + pivot_value(
            P_TARGET, "target:max", q("code"), q(code), q("date:month"), month) + ',"")')
        number = 2 if kind in ("count", "money", "report") else 1
        formats[f"{TARGET}{row}"] = number
        if kind == "report":
            cells[f"F{row}"] = t("In the monthly report")
            styles[f"F{row}"] = 5
            continue
        cells[f"{VALUE}{row}"] = month_figure(code, kind, month)
        cells[f"{MET}{row}"] = met(code, f"{VALUE}{row}", f"{TARGET}{row}", month)
        for letter in month_cols:
            cells[f"{letter}{row}"] = month_figure(code, kind, f"{letter}${header}")
        formats[f"{VALUE}{row}"] = number
        formats[f"F{row}:Q{row}"] = number
    last = first + len(METRICS) - 1
    styles[f"A{first}:A{last}"] = 3
    styles[f"{UNIT}{first}:{UNIT}{last}"] = 3
    styles[f"{MET}{first}:{MET}{last}"] = 6
    return first, last


def channel_table(sheet, top):
    """The month of the Month filter per channel; returns its last row."""
    sheet.title(top, "Per channel, in the month of the Month filter")
    sheet.header(top + 1, ["Metric", "Head office", "Field rep", "All", "Unit"])
    row = top + 1
    for code, label, unit, kind in METRICS:
        if kind in ("report", "growth"):
            continue
        row += 1
        sheet.cells[f"A{row}"] = t(label)
        sheet.cells[f"B{row}"] = figure(code, kind, P_CHANNEL, q("csp_service"),
                                        q("head_office"))
        sheet.cells[f"C{row}"] = figure(code, kind, P_CHANNEL, q("csp_service"), q("field"))
        sheet.cells[f"D{row}"] = figure(code, kind, P_CHANNEL)
        sheet.cells[f"E{row}"] = t(unit)
        sheet.formats[f"B{row}:D{row}"] = 2 if kind in ("count", "money") else 1
    sheet.styles[f"A{top + 2}:A{row}"] = 3
    sheet.styles[f"E{top + 2}:E{row}"] = 3
    return row


def rep_table(sheet, top):
    """The month of the Month filter per salesperson (the pivot's first
    REP_ROWS, by name); returns its last row."""
    kinds = {code: kind for code, _label, _unit, kind in METRICS}
    labels = {code: label for code, label, _unit, _kind in METRICS}
    sheet.title(top, "Per salesperson, in the month of the Month filter")
    sheet.header(top + 1, ["Salesperson", *(labels[code] for code in REP_METRICS)], style=7)
    sheet.rows[str(top)] = {"size": 44}  # 0-based: the header row, its labels wrapped
    for n in range(1, REP_ROWS + 1):
        row = top + 1 + n
        sheet.cells[f"A{row}"] = f'=IFERROR(PIVOT.HEADER({P_REP},"#user_id",{n}),"")'
        for i, code in enumerate(REP_METRICS):
            formula = figure(code, kinds[code], P_REP, rows=(q("#user_id"), str(n)))
            letter = col(1 + i)
            sheet.cells[f"{letter}{row}"] = f'=IF($A{row}="","",{formula[1:]})'
            sheet.formats[f"{letter}{row}"] = 2 if kinds[code] in ("count", "money") else 1
    sheet.styles[f"A{top + 2}:A{top + 1 + REP_ROWS}"] = 3
    return top + 1 + REP_ROWS


def pivots():
    all_filters = [F_MONTH, F_USER, F_SERVICE, F_TEAM, F_COMPANY]
    figures = [["is_target", "=", False]]
    measures = [("numerator", "sum"), ("denominator", "sum")]
    by_month = [{"fieldName": "date", "granularity": "month"}]
    code = [{"fieldName": "code"}]
    return {
        P_FIG: pivot(P_FIG, "Figures per month", rows=code, columns=by_month,
                     measures=measures, domain=figures,
                     filters=[F_USER, F_SERVICE, F_TEAM, F_COMPANY]),
        P_TARGET: pivot(P_TARGET, "Targets per month", rows=code, columns=by_month,
                        measures=[("target", "max"), ("direction", "max")],
                        domain=[["is_target", "=", True]], filters=[F_COMPANY]),
        P_CHANNEL: pivot(P_CHANNEL, "Figures per channel", rows=code,
                         columns=[{"fieldName": "csp_service"}], measures=measures,
                         domain=figures, filters=all_filters),
        P_REP: pivot(P_REP, "Figures per salesperson", rows=[{"fieldName": "user_id"}],
                     columns=code, measures=measures,
                     domain=[*figures, ["user_id", "!=", False]], filters=all_filters),
    }


GLOBAL_FILTERS = [
    {"id": F_MONTH, "type": "date", "label": "Month", "defaultValue": "this_month"},
    {"id": F_USER, "type": "relation", "label": "Salesperson", "modelName": "res.users",
     "defaultValueDisplayNames": []},
    {"id": F_SERVICE, "type": "selection", "label": "Served by", "resModel": MODEL,
     "selectionField": "csp_service"},
    {"id": F_TEAM, "type": "relation", "label": "Sales Team", "modelName": "crm.team",
     "defaultValueDisplayNames": []},
    {"id": F_COMPANY, "type": "relation", "label": "Company", "modelName": "res.company",
     "defaultValueDisplayNames": []},
]


def build():
    sheet = Sheet()
    first, last = targets_table(sheet, header=4)
    bottom = channel_table(sheet, last + 3)
    end = rep_table(sheet, bottom + 3)
    met_range = [f"{MET}{first}:{MET}{last}"]
    return {
        "version": "18.5.10",
        "sheets": [{
            "id": SHEET, "name": "Customer Service", "colNumber": 17, "rowNumber": end + 1,
            "rows": sheet.rows,
            "cols": {"0": {"size": 250}, "1": {"size": 90}, "2": {"size": 80},
                     "3": {"size": 50}, "4": {"size": 140},
                     **{str(i): {"size": 90} for i in range(5, 17)}},
            "merges": [], "cells": sheet.cells, "styles": sheet.styles,
            "formats": sheet.formats, "borders": sheet.borders,
            "conditionalFormats": [
                {"id": "csp-met", "ranges": met_range,
                 "rule": {"type": "CellIsRule", "operator": "containsText", "values": ["✓"],
                          "style": {"fillColor": "#d9ead3", "textColor": "#274e13"}}},
                {"id": "csp-missed", "ranges": met_range,
                 "rule": {"type": "CellIsRule", "operator": "containsText", "values": ["✗"],
                          "style": {"fillColor": "#f4cccc", "textColor": "#990000"}}},
            ],
            "dataValidationRules": [], "figures": [], "tables": [],
            "areGridLinesVisible": False, "isVisible": True,
            "headerGroups": {"ROW": [], "COL": []}, "comments": {},
        }],
        "styles": STYLES, "formats": FORMATS, "borders": BORDERS,
        "revisionId": "START_REVISION", "uniqueFigureIds": True,
        "settings": {"locale": {"name": "English (US)", "code": "en_US",
                                "thousandsSeparator": ",", "decimalSeparator": ".",
                                "dateFormat": "mm/dd/yyyy", "timeFormat": "hh:mm:ss",
                                "formulaArgSeparator": ",", "weekStart": 7}},
        "pivots": pivots(), "pivotNextId": 5, "customTableStyles": {},
        "globalFilters": GLOBAL_FILTERS, "lists": {}, "listNextId": 1,
        "chartOdooMenusReferences": {},
    }


if __name__ == "__main__":
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(build(), indent=1, ensure_ascii=False) + "\n")
    print(OUT)
