"""Issue 19, part 5: the managers' dashboard in Odoo's Dashboards app.

The head of sales opens *Dashboards → Customer Service → Process Targets*:
the web client downloads the spreadsheet (/spreadsheet/dashboard/data/<id>)
and asks each of its pivots with `formatted_read_grouping_sets`; the cells
divide and compare.  The test does the same over HTTP with his session, and
evaluates the cells' formulas on what the pivots answered: the March
figures are the management report's, the targets the cards', and a target
edited on the card is what the dashboard shows next."""

import importlib.util
import json
import re
from collections import defaultdict

from odoo.tests import HttpCase, tagged
from odoo.tools import file_open, file_path

from .common import DeliveryCase
from .outside import OutsideCase

PIVOT_VALUE = re.compile(r'PIVOT\.VALUE\((\d+),"([^"]+)",((?:"[^"]*"|[^()"])*)\)')


@tagged("post_install", "-at_install")
class TestDashboard(OutsideCase, DeliveryCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._stock(cls.spare_part, 100)
        cls.dashboard = cls.env.ref("customer_service_process.dashboard_process_targets")
        cls.card = cls.env.ref("customer_service_process.process_offer_to_acceptance")
        cls.answer = cls.card.metric_ids.filtered(lambda m: m.code == "answer_time")
        # A customer who first buys in March: a new customer of March.
        cls.buyer = cls.env["res.partner"].create({"name": "March Buyer", "is_company": True})

    # ------------------------------------------------------------ March

    def _quotation_at(self, moment):
        with self.as_user_at(self.head_office, moment):
            order_id = self.save("sale.order", {
                "partner_id": self.buyer.id,
                "order_line": [(0, 0, {"product_id": self.spare_part.id,
                                       "product_uom_qty": 2, "price_unit": 150})]})
        return self.env["sale.order"].browse(order_id)

    def _button_at(self, order, method, moment):
        with self.as_user_at(self.head_office, moment):
            self.button(order, method)

    def _march(self):
        """Two orders confirmed after 3 and 5 working hours, a third
        quotation sent and not (yet) won."""
        monday = self._quotation_at("2026-03-02 09:00:00")
        tuesday = self._quotation_at("2026-03-03 09:00:00")
        wednesday = self._quotation_at("2026-03-04 09:00:00")
        self._button_at(monday, "action_confirm", "2026-03-02 12:00:00")
        self._button_at(tuesday, "action_confirm", "2026-03-03 14:00:00")
        self._button_at(wednesday, "action_quotation_sent", "2026-03-04 10:00:00")

    def _march_report(self):
        """{metric code: its figure on the March report's Targets sheet}."""
        self.as_user(self.manager)
        report_id = self.save("csp.kpi.report", {
            "date_from": "2026-03-01", "date_to": "2026-03-31", "channel": "all"})
        action = self.button(self.env["csp.kpi.report"].browse(report_id), "action_export_xlsx")
        sheets = self.xlsx_rows(self.get(action["url"]))
        codes = {metric.name: metric.code for metric in self.env["csp.process.metric"].search(
            [("code", "!=", False)])}
        return {codes[row[1]]: row[2] for row in sheets["Targets"][1:]}

    # -------------------------------------------------------- the client

    def _open_dashboard(self):
        """The spreadsheet the web client downloads for the logged-in user."""
        data = self.get(f"/spreadsheet/dashboard/data/{self.dashboard.id}").json()
        return data["snapshot"]

    def _ask(self, pivot, domain=()):
        """The pivot's groups as the spreadsheet asks them: every grouping
        set of its rows and columns, one `formatted_read_grouping_sets`.
        {((field, value), …) for the finest groups: {measure: value}}."""
        def names(dimensions):
            return [d["fieldName"] + (f":{d['granularity']}" if d.get("granularity") else "")
                    for d in dimensions]
        rows, cols = names(pivot["rows"]), names(pivot["columns"])
        sets = [rows[:i] + cols[:j] for i in range(len(rows) + 1) for j in range(len(cols) + 1)]
        answer = self.call(pivot["model"], "formatted_read_grouping_sets",
                           [*pivot["domain"], *domain], sets,
                           [measure["id"] for measure in pivot["measures"]])
        values = {}
        for groups, groupby in zip(answer, sets, strict=True):
            for group in groups:
                key = []
                for name in groupby:
                    value = group[name]
                    key.append((name, value[0] if isinstance(value, list) else value))
                values[tuple(key)] = group
        return values

    def _evaluate(self, formula, answers, month):
        """The value of a figure's or a target's cell: its PIVOT.VALUE
        calls read from the pivots' answers, the month reference replaced
        by `month` ("2026-03-01"), then divided as the cell does."""
        found = []
        for pivot_id, measure, args in PIVOT_VALUE.findall(formula):
            parts = [part.strip() for part in args.split(",")]
            key = []
            for quoted, value in zip(parts[::2], parts[1::2], strict=True):
                name = quoted.strip('"')
                key.append((name, month if name == "date:month" else value.strip('"')))
            group = answers[pivot_id].get(tuple(key))
            found.append(group.get(measure) if group else None)
        self.assertTrue(found, formula)
        if "/" in formula:
            numerator, denominator = (value or 0 for value in found)
            return numerator / denominator if denominator else ""
        return found[0] if found[0] is not None else ""

    def _cells(self, snapshot):
        """{metric code: {"target": formula, "value": this month's formula}} of
        the first table (columns C and B)."""
        cells = snapshot["sheets"][0]["cells"]
        end = min(int(ref[1:]) for ref, content in cells.items()
                  if ref.startswith("A") and "Per channel" in content)
        table = defaultdict(dict)
        for ref, content in cells.items():
            # A row's code is its target's (a growth's figure reads another code).
            code = re.search(r'"code","(\w+)"', content)
            if ref.startswith("C") and code and int(ref[1:]) < end:
                table[code.group(1)] = {"target": content, "value": cells.get(f"B{ref[1:]}", "")}
        return table

    # ------------------------------------------------------------- tests

    def test_the_dashboard_shows_the_reports_figures_against_the_cards_targets(self):
        self._march()
        report = self._march_report()

        self.as_user(self.manager)
        snapshot = self._open_dashboard()
        pivots = snapshot["pivots"]
        self.assertEqual({pivot["model"] for pivot in pivots.values()}, {"csp.process.figure"})
        answers = {pid: self._ask(pivot) for pid, pivot in pivots.items()}
        table = self._cells(snapshot)
        month = "2026-03-01"

        # Every figure the dashboard computes is the report's for March.
        compared = set()
        for code, columns in table.items():
            formula = columns["value"]
            if "PIVOT" not in formula or "EDATE" in formula or code not in report:
                continue
            value = self._evaluate(formula, answers, month)
            expected = report[code]
            if expected in (None, "-", "") or value == "":
                # Blank: nothing counted, where the report says 0 or no data.
                self.assertIn(expected, (None, "-", "", 0), code)
                self.assertIn(value, ("", 0), code)
            else:
                self.assertAlmostEqual(value, expected, delta=0.05, msg=code)
                compared.add(code)
        self.assertGreaterEqual(compared, {
            "answer_time", "offer_success", "sales_value", "orders_per_channel",
            "new_customers", "complaint_rate"})
        # 3 and 5 working hours; 2 of 3 offers won; 2 x 300 sold.
        self.assertAlmostEqual(self._evaluate(table["answer_time"]["value"], answers, month), 4.0)
        self.assertAlmostEqual(
            self._evaluate(table["offer_success"]["value"], answers, month), 200 / 3)
        self.assertAlmostEqual(self._evaluate(table["sales_value"]["value"], answers, month), 600)

        # The target is the card's: 8 working hours, met.
        self.assertEqual(self._evaluate(table["answer_time"]["target"], answers, month), 8.0)
        [(direction,)] = [(group["direction:max"],) for key, group in answers["2"].items()
                          if dict(key) == {"code": "answer_time", "date:month": month}]
        self.assertEqual(direction, 1, "at most")

        # The process manager sets it to 2 on the card: the next opening
        # shows 2, and 4 hours miss it.
        self.save("csp.process", {"metric_ids": [(1, self.answer.id, {"target": 2})]},
                  record_id=self.card.id)
        snapshot = self._open_dashboard()
        answers["2"] = self._ask(snapshot["pivots"]["2"])
        self.assertEqual(self._evaluate(table["answer_time"]["target"], answers, month), 2.0)
        # The company's own row from 3 March: 3 hours on 31 March.
        self.save("csp.process.target", {"metric_id": self.answer.id, "target": 3,
                                          "date_from": "2026-03-03"})
        answers["2"] = self._ask(snapshot["pivots"]["2"])
        self.assertEqual(self._evaluate(table["answer_time"]["target"], answers, month), 3.0)
        self.assertEqual(self._evaluate(table["answer_time"]["target"], answers, "2026-02-01"), 2.0)

    def test_per_channel_and_salesperson_in_the_month_filtered(self):
        """The Month filter set to March: the channel and salesperson
        pivots split the month's figures, and add up to the whole."""
        self._march()
        self.as_user(self.manager)
        snapshot = self._open_dashboard()
        [month_filter] = [f for f in snapshot["globalFilters"] if f["type"] == "date"]
        self.assertEqual(month_filter["defaultValue"], "this_month")
        march = [("date", ">=", "2026-03-01"), ("date", "<=", "2026-03-31")]
        for pid in ("3", "4"):
            pivot = snapshot["pivots"][pid]
            self.assertEqual(pivot["fieldMatching"][month_filter["id"]]["chain"], "date")
        channels = self._ask(snapshot["pivots"]["3"], march)
        sales = {key: group["numerator:sum"] for key, group in channels.items()
                 if dict(key).get("code") == "sales_value"}
        self.assertEqual(sales[(("code", "sales_value"),)], 600)
        self.assertEqual(sales[(("code", "sales_value"), ("csp_service", "head_office"))], 600)
        reps = self._ask(snapshot["pivots"]["4"], march)
        self.assertEqual(reps[(("user_id", self.head_office.id),
                               ("code", "orders_per_channel"))]["numerator:sum"], 2)
        # The trend's pivots do not follow the Month filter.
        self.assertNotIn(month_filter["id"], snapshot["pivots"]["1"]["fieldMatching"])

    def test_a_pivot_costs_the_same_queries_for_more_orders(self):
        """One query per pivot, whatever the number of orders: the view
        aggregates in SQL."""
        Figures = self.env["csp.process.figure"].with_user(self.manager)
        pivot = ["code", "date:month"]

        def ask():
            return Figures.formatted_read_grouping_sets(
                [("is_target", "=", False)], [[], ["code"], pivot],
                ["numerator:sum", "denominator:sum"])
        self._march()
        ask()  # the record rules and the registry's caches, once
        _groups, few = self._queries(ask)
        for day in range(2, 22):
            self._quotation_at(f"2026-04-{day:02d} 09:00:00")
        groups, many = self._queries(ask)
        self.assertEqual(many, few)
        self.assertIn("2026-04-01", str(groups))

    def test_the_file_is_what_the_script_writes(self):
        """data/files/csp_process_dashboard.json is scripts/make_dashboard.py's
        output: the layout is changed in the script, never by hand."""
        spec = importlib.util.spec_from_file_location(
            "csp_make_dashboard", file_path("customer_service_process/scripts/make_dashboard.py"))
        script = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(script)
        with file_open("customer_service_process/data/files/csp_process_dashboard.json") as f:
            self.assertEqual(json.load(f), script.build())

    def test_only_managers_and_only_their_companies(self):
        self._march()
        # A field rep has no dashboard and no figures.
        self.as_user(self.rep)
        self.get(f"/spreadsheet/dashboard/data/{self.dashboard.id}", status=403)
        name, _message = self.refused_call(
            "csp.process.figure", "formatted_read_group", [], ["code"], ["numerator:sum"])
        self.assertEqual(name, "odoo.exceptions.AccessError")
        # The manager reads his company's figures only (the demo's Pompex
        # has a year of them).
        self.as_user(self.manager)
        groups = self.call("csp.process.figure", "formatted_read_group", [], ["company_id"],
                           ["__count"])
        self.assertEqual([group["company_id"][0] for group in groups], [self.company.id])


@tagged("post_install", "-at_install")
class TestDashboardTour(HttpCase):
    """The demo's head of sales opens the dashboard in the browser: the
    spreadsheet loads without an error (a tour fails on any)."""

    def test_the_head_of_sales_opens_process_targets(self):
        dashboard = self.env.ref("customer_service_process.dashboard_process_targets")
        self.start_tour(f"/odoo/dashboards?dashboard_id={dashboard.id}",
                        "csp_manager_dashboard", login="manager")
