"""The management report as a workbook: a sheet per section (its figures and
tables), the rows behind its figures on a sheet of their own, the splits per
channel and per salesperson, and the definitions.  Numbers are numbers with a
number format (money in its currency, percentages as percentages), times
are the reader's local times, headers are what a person reads, header rows
are frozen and filtered.  Mixed into csp.kpi.report."""

import io
import re
from datetime import datetime

from odoo import fields, models

from .csp_kpi_sections import Figure

SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


class CspKpiXlsx(models.AbstractModel):
    _name = "csp.kpi.xlsx"
    _description = "Management Report Workbook"

    def _csp_xlsx(self):
        """The workbook's bytes."""
        import xlsxwriter  # noqa: PLC0415 (only when a workbook is made)

        data = self._csp_data()
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"in_memory": True})
        formats = {
            "bold": book.add_format({"bold": True}),
            "title": book.add_format({"bold": True, "font_size": 14}),
            "header": book.add_format({"bold": True, "bg_color": "#EDE6EC", "border": 1,
                                       "text_wrap": True, "valign": "top"}),
            "percent": book.add_format({"num_format": "0.0%"}),
            "integer": book.add_format({"num_format": "#,##0"}),
            "number": book.add_format({"num_format": "#,##0.00"}),
            "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
            "date": book.add_format({"num_format": "yyyy-mm-dd"}),
            # Money formats are added per currency as they are met.
            "book": book,
        }
        names = set()
        goals_title = self.env._("Targets")
        goals = book.add_worksheet(self._csp_sheet_name(goals_title, names))
        met = {True: self.env._("met"), False: self.env._("missed")}
        self._csp_xlsx_table(goals, -1, (None, [
            self.env._("Process"), self.env._("Metric"), self.env._("Value"),
            self.env._("Target"), self.env._("Met"), self.env._("Note"),
        ], [[card, name, value, target, met.get(is_met, "-"), note]
            for card, name, value, target, is_met, note in data["goals"]]), formats, freeze=True)
        goals.set_column(0, 1, 40)
        goals.set_column(5, 5, 60)
        for section in [*data["sections"], *self._csp_xlsx_splits(data)]:
            sheet = book.add_worksheet(self._csp_sheet_name(section["title"], names))
            self._csp_xlsx_section(sheet, section, formats)
            if section.get("raw") and section["available"]:
                headers, rows = section["raw"]
                rows_sheet = book.add_worksheet(self._csp_sheet_name(
                    self.env._("%(section)s - rows", section=section["title"]), names))
                self._csp_xlsx_table(rows_sheet, -1, (None, headers, rows), formats,
                                     freeze=True)
        notes = book.add_worksheet(self._csp_sheet_name(self.env._("Definitions"), names))
        notes.set_column(0, 0, 24)
        notes.set_column(1, 1, 120)
        for index, (name, text) in enumerate(data["definitions"]):
            notes.write(index, 0, name, formats["bold"])
            notes.write(index, 1, text)
        book.close()
        return output.getvalue()

    @staticmethod
    def _csp_sheet_name(title, taken):
        """`title` as a sheet name: without the characters Excel refuses, at
        most 31 characters, not yet in `taken` (which it joins)."""
        base = SHEET_FORBIDDEN.sub(" ", title).strip()[:31] or "Sheet"
        name, number = base, 2
        while name.lower() in taken:
            suffix = f" ({number})"
            name, number = base[:31 - len(suffix)] + suffix, number + 1
        taken.add(name.lower())
        return name

    def _csp_xlsx_splits(self, data):
        """The splits per channel and per salesperson, and the twelve
        months' trends, as sections of a table."""
        titles = {"by_channel": self.env._("By channel")}
        titles["by_rep"] = self.env._("By salesperson")
        splits = [
            self._section(key, title, [], tables=[(title, data[key]["headers"],
                                                   data[key]["rows"])])
            for key, title in titles.items()
        ]
        trends = data.get("trends")
        if trends:
            title = self.env._("Last twelve months")
            headers = [self.env._("Figure"), self.env._("Unit"), self.env._("Target"),
                       *(label for label, _value in trends[0]["points"])]
            rows = [[trend["title"], trend["unit"], trend["target"],
                     *(value for _label, value in trend["points"])] for trend in trends]
            splits.append(self._section("trends", title, [], tables=[(title, headers, rows)]))
        return splits

    def _csp_xlsx_section(self, sheet, section, formats):
        sheet.set_column(0, 0, 34)
        sheet.set_column(1, 12, 16)
        sheet.write(0, 0, section["title"], formats["title"])
        row = 2
        if not section["available"]:
            sheet.write(row, 0, self.env._("No data for this period yet."))
            return
        for label, value, target, _met in section["metrics"]:
            sheet.write(row, 0, label, formats["bold"])
            self._csp_xlsx_cell(sheet, row, 1, value, formats)
            if target is not None:
                sheet.write(row, 2, self.env._("Target"))
                self._csp_xlsx_cell(sheet, row, 3, target, formats)
            row += 1
        tables = section["tables"]
        for table in tables:
            # A section that is one table (the splits) gets its header frozen.
            row = self._csp_xlsx_table(sheet, row, table, formats,
                                       freeze=len(tables) == 1 and not section["metrics"])

    def _csp_xlsx_table(self, sheet, row, table, formats, freeze=False):
        """A table (title or None, headers, rows) below `row`; returns the
        row after it.  `freeze`: its header row stays in view and filters."""
        title, headers, rows = table
        row += 1
        if title:
            sheet.write(row, 0, title, formats["bold"])
            row += 1
        header = row
        sheet.write_row(row, 0, headers, formats["header"])
        for values in rows:
            row += 1
            for column, value in enumerate(values):
                self._csp_xlsx_cell(sheet, row, column, value, formats)
        if freeze:
            sheet.freeze_panes(header + 1, 0)
            sheet.autofilter(header, 0, max(row, header), max(len(headers) - 1, 0))
            sheet.set_column(0, max(len(headers) - 1, 0), 18)
        return row + 1

    def _csp_xlsx_cell(self, sheet, row, column, value, formats):
        """One value, typed: a figure as its number with its format, a
        moment in the reader's time zone, a percentage text as a number."""
        if isinstance(value, Figure):
            if value.kind == "percent":
                sheet.write_number(row, column, value.number / 100.0, formats["percent"])
            elif value.kind == "money":
                sheet.write_number(row, column, value.number,
                                   self._csp_money_format(value.currency, formats))
            else:
                sheet.write_number(row, column, value.number, formats["number"])
        elif isinstance(value, datetime):
            local = fields.Datetime.context_timestamp(self, value).replace(tzinfo=None)
            sheet.write_datetime(row, column, local, formats["datetime"])
        elif isinstance(value, bool):
            sheet.write_boolean(row, column, value)
        elif isinstance(value, int):
            sheet.write_number(row, column, value, formats["integer"])
        elif isinstance(value, float):
            sheet.write_number(row, column, value, formats["number"])
        elif value is None:
            sheet.write_blank(row, column, None)
        elif hasattr(value, "isoformat"):  # a date
            sheet.write_datetime(row, column, datetime.combine(value, datetime.min.time()),
                                 formats["date"])
        else:
            sheet.write(row, column, str(value))

    @staticmethod
    def _csp_money_format(currency, formats):
        """The number format of amounts in `currency`: its symbol where it
        stands, its decimals."""
        key = ("money", currency.id if currency else 0)
        if key not in formats:
            decimals = "0." + "0" * currency.decimal_places if currency and \
                currency.decimal_places else "0"
            number = f"#,##{decimals}"
            symbol = (currency.symbol or "").replace('"', "") if currency else ""
            if not symbol:
                pattern = number
            elif currency.position == "before":
                pattern = f'"{symbol}" {number}'
            else:
                pattern = f'{number} "{symbol}"'
            formats[key] = formats["book"].add_format({"num_format": pattern})
        return formats[key]
