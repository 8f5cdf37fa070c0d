"""Issue 19: the process cards hold the targets.  A process manager edits a
target on the card or gives his company its own, over JSON-RPC as the web
client does; the SLA deadline of the next order, the management report's
met or missed and the company's settings all show it."""

import importlib.util

from odoo.tests import tagged
from odoo.tools.misc import file_path

from .common import DeliveryCase
from .outside import OutsideCase


@tagged("post_install", "-at_install")
class TestTargets(OutsideCase, DeliveryCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._stock(cls.spare_part, 100)
        cls.card = cls.env.ref("customer_service_process.process_offer_to_acceptance")
        cls.answer = cls.card.metric_ids.filtered(lambda m: m.code == "answer_time")

    def _quotation_at(self, moment):
        with self.as_user_at(self.head_office, moment):
            order_id = self.save("sale.order", {
                "partner_id": self.customer.id,
                "order_line": [(0, 0, {"product_id": self.spare_part.id,
                                       "product_uom_qty": 1})]})
        return self.env["sale.order"].browse(order_id)

    def _deadline(self, order):
        self.as_user(self.head_office)
        [row] = self.search_read("sale.order", [("id", "=", order.id)], ["csp_sla_deadline"])
        return row["csp_sla_deadline"]

    def _confirm_at(self, order, moment):
        with self.as_user_at(self.head_office, moment):
            self.button(order, "action_confirm")

    def _march_report(self):
        self.as_user(self.manager)
        report_id = self.save("csp.kpi.report", {
            "date_from": "2026-03-01", "date_to": "2026-03-31", "channel": "all"})
        report = self.env["csp.kpi.report"].browse(report_id)
        text = self.pdf_text(self.download_report(self.button(report, "action_print_pdf")))
        action = self.button(report, "action_export_xlsx")
        sheets = self.xlsx_rows(self.get(action["url"]))
        return text, sheets

    def _goal(self, sheets, metric_name):
        return next(row for row in sheets["Targets"] if row[1] == metric_name)

    def test_a_target_edited_on_the_card_is_what_every_reader_uses(self):
        # The card's target, 8 working hours, becomes 4: edited in the card's form.
        self.as_user(self.manager)
        self.save("csp.process", {"metric_ids": [(1, self.answer.id, {"target": 4})]},
                  record_id=self.card.id)
        # Monday 2 March 2026 09:00 + 4 working hours.
        monday = self._quotation_at("2026-03-02 09:00:00")
        self.assertEqual(self._deadline(monday), "2026-03-02 13:00:00")
        # The company's settings show it.
        self.as_user(self.manager)
        [company] = self.call("res.company", "web_read", self.company.ids, specification={
            "csp_feasibility_sla_hours": {}})
        self.assertEqual(company["csp_feasibility_sla_hours"], 4.0)

        # The company's own target from Tuesday 3 March on: 2 working hours,
        # a row of Configuration → Targets by Company.
        self.save("csp.process.target", {"metric_id": self.answer.id, "target": 2,
                                          "date_from": "2026-03-03"})
        tuesday = self._quotation_at("2026-03-03 09:00:00")
        self.assertEqual(self._deadline(tuesday), "2026-03-03 11:00:00")
        # Monday's order keeps the target that applied when it arrived.
        self.assertEqual(self._deadline(monday), "2026-03-02 13:00:00")

        # Both answered after 3 working hours: Monday's on time, Tuesday's late.
        self._confirm_at(monday, "2026-03-02 12:00:00")
        self._confirm_at(tuesday, "2026-03-03 12:00:00")
        self.assertEqual((monday.csp_answer_on_time, tuesday.csp_answer_on_time),
                         (True, False))

        # The report of March reads the target of 31 March: 3 h is missed.
        text, sheets = self._march_report()
        self.assertEqual(self._goal(sheets, "Time from order received to the feasibility "
                                            "answer")[2:5], (3, "≤ 2 working hours", "missed"))
        # The PDF's first page lists it (its text is read back from the page's image).
        self.assertIn("Offer, order, feasibility and acceptance Time from order received", text)

        # Head office changes it in the company's Process Targets on 10 March:
        # the row in force is changed, not a second source.
        with self.as_user_at(self.manager, "2026-03-10 09:00:00"):
            self.save("res.company", {"csp_feasibility_sla_hours": 6}, record_id=self.company.id)
            [company] = self.call("res.company", "web_read", self.company.ids, specification={
                "csp_feasibility_sla_hours": {},
                "csp_target_ids": {"fields": {"metric_id": {}, "target": {},
                                              "date_from": {}}}})
        self.assertEqual(company["csp_feasibility_sla_hours"], 6.0)
        self.assertEqual([(row["metric_id"], row["target"], row["date_from"])
                          for row in company["csp_target_ids"]],
                         [(self.answer.id, 6.0, "2026-03-03")])
        _text, sheets = self._march_report()
        self.assertEqual(self._goal(sheets, "Time from order received to the feasibility "
                                            "answer")[2:5], (3, "≤ 6 working hours", "met"))

    def test_every_card_metric_is_on_the_report(self):
        """Each metric of the cards has its row on the report's first page:
        the ones without data in the period say so."""
        _text, sheets = self._march_report()
        names = {row[1] for row in sheets["Targets"][1:]}
        metrics = self.env["csp.process.metric"].search([("code", "!=", False)])
        self.assertEqual(names, set(metrics.mapped("name")))
        nps = self._goal(sheets, "Net promoter score")
        self.assertEqual((nps[2], nps[3], nps[4], nps[5]),
                         (None, "≥ 30 points", "-", "No data in this period."))

    def test_bad_targets_are_refused(self):
        self.as_user(self.manager)
        name, message = self.refused_save("csp.process.target", {
            "metric_id": self.answer.id, "target": -1})
        self.assertEqual(name, "odoo.exceptions.ValidationError")
        self.assertIn("cannot aim at most at a negative target", message)
        self.save("csp.process.target", {"metric_id": self.answer.id, "target": 5,
                                          "date_from": "2026-04-01"})
        name, message = self.refused_save("csp.process.target", {
            "metric_id": self.answer.id, "target": 6, "date_from": "2026-04-01"})
        self.assertIn("one target per company and starting date", message)
        # One code, one card.
        name, message = self.refused_save("csp.process", {"metric_ids": [(0, 0, {
            "name": "Answer again", "code": "answer_time", "target": 3,
            "unit": "working hours"})]}, record_id=self.env.ref(
            "customer_service_process.process_production").id)
        self.assertIn("a target lives on one card only", message)
        self.assertEqual(self.env["csp.process.target"].search_count(
            [("metric_id", "=", self.answer.id)]), 1)
        # A field rep reads targets, never changes them.
        self.as_user(self.rep)
        name, _message = self.refused_save("csp.process.target", {
            "metric_id": self.answer.id, "target": 40})
        self.assertEqual(name, "odoo.exceptions.AccessError")


@tagged("post_install", "-at_install")
class TestTargetsMigration(DeliveryCase):
    """19.0.1.10.0 on a database of 19.0.1.9: targets and people in company
    columns, the main card repeating its subprocesses' metrics."""

    def _migrate(self):
        path = file_path("customer_service_process/migrations/19.0.1.10.0/post-migrate.py")
        spec = importlib.util.spec_from_file_location("csp_post_migrate_targets", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, "19.0.1.9.0")

    def test_the_company_values_move_onto_the_cards(self):
        cr = self.env.cr
        main = self.env.ref("customer_service_process.process_customer_service")
        rep_role = self.env.ref("customer_service_process.role_sales_manager")
        cr.execute("""
            ALTER TABLE res_company ADD COLUMN csp_feasibility_sla_hours float8,
                                    ADD COLUMN csp_fulfilment_sla_days float8,
                                    ADD COLUMN csp_head_of_sales_id int4;
            UPDATE res_company SET csp_feasibility_sla_hours = 6, csp_fulfilment_sla_days = 14,
                                   csp_head_of_sales_id = %s WHERE id = %s;
            INSERT INTO csp_process_metric (process_id, sequence, name, code, comparison,
                                            target, unit, period)
                 VALUES (%s, 30, '{"en_US": "Answer time"}', 'answer_time', 'max', 8,
                         '{"en_US": "working hours"}', 'order');
            UPDATE csp_process_role SET assign_to = 'members' WHERE id = %s;
        """, (self.head_office.id, self.company.id, main.id, rep_role.id))
        self.env.invalidate_all()

        self._migrate()

        self.env.invalidate_all()
        self.assertEqual(self.company._csp_target("answer_time"), 6.0)
        self.assertEqual(self.company.csp_feasibility_sla_hours, 6.0)
        self.assertEqual(self.company.csp_fulfilment_sla_days, 14.0, "the card's: no row")
        self.assertEqual(self.env["csp.process.target"].search(
            [("company_id", "=", self.company.id)]).code, "answer_time")
        self.assertFalse(main.metric_ids.filtered(lambda m: m.code == "answer_time"))
        codes = self.env["csp.process.metric"].search([("code", "!=", False)]).mapped("code")
        self.assertEqual(len(codes), len(set(codes)))
        self.assertEqual(self.company.csp_head_of_sales_id, self.head_office)
        self.assertEqual(rep_role.assign_to, "record")


@tagged("post_install", "-at_install")
class TestNewMetrics(OutsideCase, DeliveryCase):
    """Source document 000's own cost of the sales department and market
    share on a known month, entered by the process manager over JSON-RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._stock(cls.spare_part, 100)
        plan = cls.env["account.analytic.plan"].create({"name": "Departments"})
        cls.sales_dept = cls.env["account.analytic.account"].create({
            "name": "Sales department", "plan_id": plan.id, "company_id": cls.company.id})
        column = plan._column_name()
        for date, amount in (("2026-03-05", -300.0), ("2026-03-20", -200.0),
                             ("2026-03-21", 100.0), ("2026-04-02", -1000.0)):
            cls.env["account.analytic.line"].create({
                "name": "Sales expense", "date": date, "amount": amount,
                "company_id": cls.company.id, column: cls.sales_dept.id})

    def _march_targets(self):
        self.as_user(self.manager)
        report_id = self.save("csp.kpi.report", {
            "date_from": "2026-03-01", "date_to": "2026-03-31", "channel": "all"})
        action = self.button(self.env["csp.kpi.report"].browse(report_id),
                             "action_export_xlsx")
        rows = self.xlsx_rows(self.get(action["url"]))["Targets"]
        return {row[1]: row for row in rows[1:]}

    def test_own_cost_and_market_share_of_a_known_month(self):
        for moment in ("2026-03-02 09:00:00", "2026-03-03 09:00:00"):
            with self.at(moment):
                order = self._quotation(self.head_office, self.customer, self.spare_part, 5)
                order.with_user(self.head_office).action_confirm()  # 5 x 50 = 250
        goals = self._march_targets()
        self.assertEqual(goals["Own cost of the sales department"][5],
                         "No analytic account of the sales department: set it in Process "
                         "Targets.")
        self.assertIn("No market size", goals["Market share"][5])

        self.as_user(self.manager)
        self.save("res.company", {"csp_sales_analytic_account_id": self.sales_dept.id},
                  record_id=self.company.id)
        # 36,500 a year: 3,100 in March's 31 days.
        self.save("csp.market.size", {"date_from": "2026-01-01", "date_to": "2026-12-31",
                                      "amount": 36500})
        goals = self._march_targets()
        # The expenses of March only (300 + 200), not its income nor April's.
        self.assertEqual(goals["Own cost of the sales department"][2:5],
                         (500, "≤ 0 in the company currency", "missed"))
        self.assertEqual(goals["Market share"][2:5], (16.13, "≥ 5 %", "met"))

    def test_a_market_size_of_0_or_overlapping_is_refused(self):
        self.as_user(self.manager)
        name, message = self.refused_save("csp.market.size", {
            "date_from": "2026-01-01", "date_to": "2026-12-31", "amount": 0})
        self.assertEqual(name, "odoo.exceptions.ValidationError")
        self.assertIn("A market size is above 0", message)
        self.save("csp.market.size", {"date_from": "2026-01-01", "date_to": "2026-06-30",
                                      "amount": 1000})
        name, message = self.refused_save("csp.market.size", {
            "date_from": "2026-06-01", "date_to": "2026-12-31", "amount": 1000})
        self.assertIn("overlapping", message)
        self.assertEqual(self.env["csp.market.size"].search_count(
            [("company_id", "=", self.company.id)]), 1)
        # A field rep does not see the market.
        self.as_user(self.rep)
        name, _message = self.refused_call("csp.market.size", "web_search_read", [],
                                           specification={"amount": {}})
        self.assertEqual(name, "odoo.exceptions.AccessError")
