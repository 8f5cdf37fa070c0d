"""The management report as a workbook: a sheet per section (its figures,
its tables, the rows behind them), the splits per channel and per
salesperson, and the definitions.  Mixed into csp.kpi.report."""

import io
from datetime import datetime

from odoo import models


class CspKpiXlsx(models.AbstractModel):
    _name = "csp.kpi.xlsx"
    _description = "Management Report Workbook"

    def _csp_xlsx(self):
        """A sheet per section: the figures, their tables, the rows behind them."""
        import xlsxwriter  # noqa: PLC0415 (only when a workbook is made)

        data = self._csp_data()
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"in_memory": True})
        formats = {
            "bold": book.add_format({"bold": True}),
            "title": book.add_format({"bold": True, "font_size": 14}),
            "header": book.add_format({"bold": True, "bg_color": "#EDE6EC", "border": 1}),
        }
        for section in [*data["sections"], *self._csp_xlsx_splits(data)]:
            self._csp_xlsx_section(book.add_worksheet(section["key"][:31]), section, formats)
        notes = book.add_worksheet("definitions")
        notes.set_column(0, 0, 24)
        notes.set_column(1, 1, 120)
        for index, (name, text) in enumerate(data["definitions"]):
            notes.write(index, 0, name, formats["bold"])
            notes.write(index, 1, text)
        book.close()
        return output.getvalue()

    def _csp_xlsx_splits(self, data):
        """The splits per channel and per salesperson, as sections of a table."""
        titles = {"by_channel": self.env._("By channel")}
        titles["by_rep"] = self.env._("By salesperson")
        return [
            self._section(key, title, [], tables=[(title, data[key]["headers"],
                                                   data[key]["rows"])])
            for key, title in titles.items()
        ]

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
            sheet.write(row, 1, value if value is not None else "-")
            if target is not None:
                sheet.write(row, 2, self.env._("target %(target)s", target=target))
            row += 1
        for table in section["tables"]:
            row = self._csp_xlsx_table(sheet, row, table, formats)
        if section.get("raw"):
            headers, rows = section["raw"]
            self._csp_xlsx_table(
                sheet, row, (self.env._("Rows behind the figures"), headers, rows), formats)

    @staticmethod
    def _csp_xlsx_table(sheet, row, table, formats):
        """A table (title, headers, rows) below `row`; returns the row after it."""
        title, headers, rows = table
        row += 1
        sheet.write(row, 0, title, formats["bold"])
        row += 1
        sheet.write_row(row, 0, headers, formats["header"])
        for values in rows:
            row += 1
            sheet.write_row(row, 0, [str(v) if isinstance(v, datetime) else v for v in values])
        return row + 1
