"""Inquiries in Odoo's CRM (issue 18), as the office manager, a field rep,
the head of sales and a customer writing to the company reach them: over
JSON-RPC with their sessions, and through the mail gateway."""

from odoo import fields
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import CustomerProcessCase, run_queued_crons
from .outside import OutsideCase

UNKNOWN_SENDER_MAIL = """Return-Path: <anna@newfarm.example.com>
To: sales@test.example.com
From: Anna Nowak <anna@newfarm.example.com>
Subject: Irrigation pumps for 40 ha
Message-ID: <inquiry-1@newfarm.example.com>
Date: Fri, 06 Mar 2026 15:00:00 +0000
Content-Type: text/plain; charset=utf-8

Good afternoon, we need two irrigation pumps before April. Can you help?
"""


@tagged("post_install", "-at_install")
class TestInquiries(OutsideCase, CustomerProcessCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Head office's office manager qualifies new customers' inquiries.
        cls.company.csp_office_manager_id = cls.head_office
        cls.fair = cls.env["utm.source"].create({"name": "Trade fair"})
        cls.too_expensive = cls.env["crm.lost.reason"].create({"name": "Too expensive"})
        cls.no_budget = cls.env["crm.lost.reason"].create({"name": "No budget this year"})
        cls._stock(cls.spare_part, 100)

    def _inquiry(self, user, values, specification=None):
        self.as_user(user)
        return self.call("crm.lead", "web_save", [], {"type": "opportunity", **values},
                         specification=specification or {"user_id": {}})[0]

    def _lead(self, lead_id):
        return self.env["crm.lead"].browse(lead_id)

    # ------------------------------------------------------------ routing

    def test_a_new_customers_inquiry_goes_to_the_office_manager(self):
        """By phone: the source is asked; the office manager gets it with an
        activity due at the answer deadline."""
        self.as_user(self.head_office)
        name, message = self.refused_save("crm.lead", {
            "type": "opportunity", "name": "Pumps for a hotel", "contact_name": "Jan Kowalski",
            "phone": "+48 600 100 200", "csp_channel": "phone"})
        self.assertEqual(name, "odoo.exceptions.ValidationError")
        self.assertIn("Heard of Us Through", message)
        self.assertFalse(self.env["crm.lead"].search([("name", "=", "Pumps for a hotel")]))

        with self.at("2026-03-02 09:00:00"):
            record = self._inquiry(self.manager, {
                "name": "Pumps for a hotel", "contact_name": "Jan Kowalski",
                "phone": "+48 600 100 200", "csp_channel": "phone", "source_id": self.fair.id})
        lead = self._lead(record["id"])
        self.assertEqual(lead.user_id, self.head_office, "the office manager qualifies it")
        self.assertEqual(lead.csp_received_at, fields.Datetime.to_datetime("2026-03-02 09:00:00"))
        # 8 working hours: 7 on Monday (9:00-16:00), 1 on Tuesday.
        self.assertEqual(lead.csp_answer_deadline,
                         fields.Datetime.to_datetime("2026-03-03 09:00:00"))
        activity = lead.activity_ids
        self.assertEqual(activity.activity_type_id,
                         self.env.ref("customer_service_process.mail_activity_inquiry_answer"))
        self.assertEqual(activity.user_id, self.head_office)
        self.assertEqual(str(activity.date_deadline), "2026-03-03")
        # He assigns it to a rep: the activity follows.
        self.as_user(self.head_office)
        self.call("crm.lead", "web_save", [lead.id], {"user_id": self.rep.id},
                  specification={"user_id": {}})
        self.assertEqual(lead.activity_ids.user_id, self.rep)

    def test_an_existing_customers_inquiry_goes_to_his_rep_at_once(self):
        record = self._inquiry(self.head_office, {
            "name": "Ten seals", "partner_id": self.rep_customer.id, "csp_channel": "email"})
        lead = self._lead(record["id"])
        self.assertEqual(lead.user_id, self.rep)
        self.assertEqual(lead.activity_ids.user_id, self.rep)
        # The rep sees it; the other rep does not, by any path.
        self.as_user(self.rep)
        self.assertEqual([r["id"] for r in self.search_read("crm.lead", [], ["name"])], [lead.id])
        self.as_user(self.rep2)
        self.assertFalse(self.search_read("crm.lead", [], ["name"]))
        name, _message = self.refused_call("crm.lead", "read", [lead.id], ["name"])
        self.assertEqual(name, "odoo.exceptions.AccessError")

    def test_a_rep_records_an_inquiry_on_his_visit(self):
        """A new customer met on a visit: the rep keeps the inquiry; the
        channel is his visit; he never sees the office manager's pool."""
        pool = self._inquiry(self.head_office, {
            "name": "Unknown caller", "contact_name": "Caller", "phone": "+48 500",
            "csp_channel": "phone", "source_id": self.fair.id})
        self.as_user(self.rep)
        defaults = self.call("crm.lead", "onchange", [], {}, [], {"csp_channel": {}})["value"]
        self.assertEqual(defaults["csp_channel"], "visit")
        record = self._inquiry(self.rep, {
            "name": "Pumps for a new farm", "contact_name": "Piotr Zielinski",
            "phone": "+48 601 000 000", "source_id": self.fair.id})
        lead = self._lead(record["id"])
        self.assertEqual((lead.user_id, lead.csp_channel), (self.rep, "visit"))
        self.assertNotIn(pool["id"], [r["id"] for r in self.search_read("crm.lead", [], ["name"])])
        # What the process sets is not his to set.
        name, message = self.refused_call("crm.lead", "write", [lead.id],
                                          {"csp_received_at": "2026-01-01 00:00:00"})
        self.assertEqual(name, "odoo.exceptions.AccessError")
        self.assertIn("set by the process", message)

    def test_an_inquiry_needs_someone_to_answer(self):
        self.as_user(self.head_office)
        name, message = self.refused_save("crm.lead", {
            "type": "opportunity", "name": "Anonymous", "source_id": self.fair.id})
        self.assertEqual(name, "odoo.exceptions.ValidationError")
        self.assertIn("e-mail address or a phone number", message)

    def test_a_mail_from_an_unknown_sender_becomes_an_inquiry(self):
        """The mail gateway (fetchmail, odoo-mailgate) makes the inquiry: an
        e-mail inquiry of a new customer, whose source nobody asked yet,
        for the office manager; nothing bounces."""
        lead_id = self.env["mail.thread"].sudo().message_process("crm.lead", UNKNOWN_SENDER_MAIL)
        lead = self._lead(lead_id)
        self.assertEqual(lead.csp_channel, "email")
        self.assertIn("anna@newfarm.example.com", lead.email_from)
        self.assertEqual(lead.source_id,
                         self.env.ref("customer_service_process.utm_source_not_asked"))
        self.assertEqual(lead.user_id, self.head_office)
        self.assertIn("two irrigation pumps", lead.message_ids[-1].body)
        self.assertTrue(lead.activity_ids)

    # -------------------------------------------------------------- timing

    def test_the_answer_target_runs_from_the_inquiry_across_a_weekend(self):
        """Friday 15:00 by phone: due Monday 15:00 (1 h Friday, 7 h Monday).
        The quotation made from it on Monday keeps Friday as Received, its
        answer answers the inquiry, and its process log starts with it."""
        with self.at("2026-03-06 15:00:00"):
            record = self._inquiry(self.head_office, {
                "name": "Spare parts", "partner_id": self.customer.id, "csp_channel": "phone"})
        lead = self._lead(record["id"])
        self.assertEqual(lead.csp_answer_deadline,
                         fields.Datetime.to_datetime("2026-03-09 15:00:00"))
        with self.at("2026-03-09 16:30:00"):
            self.assertTrue(lead.with_user(self.head_office).csp_answer_late)
            run_queued_crons(self.env)
        breach_type = self.env.ref("customer_service_process.mail_activity_inquiry_breach")
        breach = lead.activity_ids.filtered(lambda a: a.activity_type_id == breach_type)
        self.assertEqual(breach.user_id, self.head_office)
        with self.at("2026-03-09 16:40:00"):
            run_queued_crons(self.env)
        self.assertEqual(len(lead.activity_ids.filtered(
            lambda a: a.activity_type_id == breach_type)), 1, "one alert only")

        with self.at("2026-03-10 10:00:00"):
            self.as_user(self.head_office)
            action = self.button(lead, "action_sale_quotations_new")
            context = action["context"]
            order_id = self.save("sale.order", {
                "partner_id": self.customer.id,
                "order_line": [(0, 0, {"product_id": self.spare_part.id,
                                       "product_uom_qty": 2})]}, context=context)
        order = self.env["sale.order"].browse(order_id)
        self.assertEqual(order.opportunity_id, lead)
        self.assertEqual(order.csp_received_at, fields.Datetime.to_datetime("2026-03-06 15:00:00"))
        self.assertEqual(order.csp_channel, "phone")
        self.assertEqual(order.csp_sla_deadline, lead.csp_answer_deadline)
        with self.at("2026-03-10 12:00:00"):
            self.as_user(self.head_office)
            self.button(order, "action_confirm")
        # Answered after 1 + 8 + 4 = 13 working hours: late.
        self.assertEqual(order.csp_answer_hours, 13.0)
        self.assertFalse(order.csp_answer_on_time)
        self.assertEqual(lead.csp_answered_at, fields.Datetime.to_datetime("2026-03-10 12:00:00"))
        log = order.csp_stage_log_ids.sorted("entered_at")
        self.assertEqual(log[0].stage_id, self.env.ref("customer_service_process.stage_inquiry"))
        self.assertEqual(log[0].entered_at, fields.Datetime.to_datetime("2026-03-06 15:00:00"))
        self.assertEqual(log[0].left_at, fields.Datetime.to_datetime("2026-03-10 10:00:00"))
        self.assertEqual(log[0].duration_hours, 11.0)
        self.assertEqual(log[1].stage_id.code, "offer")
        self.assertFalse(lead.activity_ids.filtered(
            lambda a: a.activity_type_id == breach_type), "answered: the alert is done")

    # ----------------------------------------------------- funnel, workload

    def _march(self):
        """Three inquiries in March 2026: one lost at the inquiry, one lost
        at the offer, one accepted."""
        with self.at("2026-03-02 09:00:00"):
            first = self._lead(self._inquiry(self.head_office, {
                "name": "Too dear", "partner_id": self.customer.id, "source_id": self.fair.id,
                "csp_channel": "phone"})["id"])
            second = self._lead(self._inquiry(self.head_office, {
                "name": "Offer refused", "partner_id": self.customer.id,
                "source_id": self.fair.id, "csp_channel": "email"})["id"])
            third = self._lead(self._inquiry(self.head_office, {
                "name": "Won", "partner_id": self.customer.id, "csp_channel": "email"})["id"])
        with self.at("2026-03-03 09:00:00"):
            self.as_user(self.head_office)
            self.wizard({"res_model": "crm.lead.lost", "context": {"active_ids": first.ids}},
                        {"lead_ids": [(6, 0, first.ids)],
                         "lost_reason_id": self.too_expensive.id}, "action_lost_reason_apply")
            orders = []
            for lead in (second, third):
                context = self.button(lead, "action_sale_quotations_new")["context"]
                orders.append(self.env["sale.order"].browse(self.save("sale.order", {
                    "partner_id": self.customer.id,
                    "order_line": [(0, 0, {"product_id": self.spare_part.id,
                                           "product_uom_qty": 1})]}, context=context)))
        with self.at("2026-03-04 09:00:00"):
            self.as_user(self.head_office)
            action = self.button(orders[0], "action_csp_mark_lost")
            self.wizard(action, {"lost_reason_id": self.no_budget.id}, "action_mark_lost")
            self.button(orders[1], "action_confirm")
        return first, second, third, orders

    def test_lost_reasons_in_the_funnel(self):
        first, second, _third, orders = self._march()
        self.assertEqual(orders[0].state, "cancel")
        self.assertEqual(orders[0].csp_lost_reason_id, self.no_budget)
        self.assertEqual(second.won_status, "lost", "its only quotation lost: the inquiry too")
        self.assertEqual(second.lost_reason_id, self.no_budget)
        self.assertEqual(first.lost_reason_id, self.too_expensive)
        self.as_user(self.manager)
        domain = [("date", ">=", "2026-03-01"), ("date", "<", "2026-04-01"),
                  ("company_id", "=", self.company.id)]
        totals = self.call("csp.funnel", "formatted_read_group", domain, [],
                           ["inquiry_count:sum", "offer_count:sum", "accepted_count:sum",
                            "lost_count:sum"])[0]
        self.assertEqual((totals["inquiry_count:sum"], totals["offer_count:sum"],
                          totals["accepted_count:sum"], totals["lost_count:sum"]), (3, 2, 1, 2))
        lost = self.call("csp.funnel", "formatted_read_group", [*domain, ("lost_count", "=", 1)],
                         ["lost_reason_id", "lost_at"], ["__count"])
        self.assertEqual(sorted((g["lost_reason_id"][1], g["lost_at"], g["__count"])
                                for g in lost),
                         [("No budget this year", "offer", 1), ("Too expensive", "inquiry", 1)])
        # The management report's section says the same.
        wizard = self.env["csp.kpi.report"].with_user(self.manager).create(
            {"date_from": "2026-03-01", "date_to": "2026-03-31"})
        section = next(s for s in wizard._csp_data()["sections"] if s["key"] == "funnel")
        figures = {label: value for label, value, _t, _m in section["metrics"]}
        self.assertEqual((figures["Inquiries"], figures["Offers"], figures["Accepted"],
                          figures["Lost"]), (3, 2, 1, 2))
        by_reason = {row[0]: row[1:] for row in section["tables"][3][2]}
        self.assertEqual(by_reason, {"Too expensive": [1, 0, 1],
                                     "No budget this year": [0, 1, 1]})

    def test_the_head_of_sales_sees_each_persons_workload(self):
        self._inquiry(self.head_office, {"name": "Seals", "partner_id": self.rep_customer.id,
                                         "csp_channel": "phone"})
        self._inquiry(self.head_office, {"name": "Gauges", "partner_id": self.rep_customer.id,
                                         "csp_channel": "phone"})
        self.as_user(self.manager)
        action = self.action("customer_service_process.action_csp_workload")
        people = self.call("res.users", "web_search_read", safe_eval(action["domain"]),
                           specification={"name": {}, "csp_work_inquiry_count": {}},
                           context={"active_test": True})["records"]
        counts = {person["id"]: person["csp_work_inquiry_count"] for person in people}
        self.assertEqual(counts[self.rep.id], 2)
        self.assertEqual(counts[self.rep2.id], 0)
        opened = self.button(self.rep, "action_csp_work_records",
                             context={"csp_work": "csp_work_inquiry_count"})
        self.assertEqual(opened["res_model"], "crm.lead")
        found = self.call("crm.lead", "search_read", opened["domain"], ["name"])
        self.assertEqual(sorted(r["name"] for r in found), ["Gauges", "Seals"])
        # A rep reads his own count on My Work, not the others' inquiries.
        self.as_user(self.rep2)
        mine = self.call("res.users", "web_read", [self.rep.id],
                         specification={"csp_work_inquiry_count": {}})[0]
        self.assertEqual(mine["csp_work_inquiry_count"], 0, "counted as rep2 sees them")

    # -------------------------------------------------------------- portal

    def test_a_customer_asks_on_the_portal(self):
        """The portal's *Ask Us* form (the contact form of a company without
        a website): a website/portal inquiry for his rep; an empty subject
        is a 400 with the form and its message, and nothing is saved."""
        buyer = new_test_user(self.env, login="csp_inquiry_buyer", password="csp_inquiry_buyer",
                              groups="base.group_portal", partner_id=self.rep_contact.id)
        self.as_user(buyer)
        page = self.get("/my/inquiry")
        self.assertIn("What do you need?", page.text)
        token = self.csrf(page.text)
        self.post("/my/inquiry", {"csrf_token": token, "subject": " ", "description": "x"},
                  status=400)
        self.assertFalse(self.env["crm.lead"].search([("partner_id", "=", self.rep_contact.id)]))
        answer = self.post("/my/inquiry", {
            "csrf_token": token, "subject": "Two pumps for a fountain",
            "description": "Line one\n<b>line two</b>"})
        self.assertIn("will answer you shortly", answer.text)
        lead = self.env["crm.lead"].search([("partner_id", "=", self.rep_contact.id)])
        self.assertEqual((lead.name, lead.csp_channel, lead.user_id),
                         ("Two pumps for a fountain", "website", self.rep))
        self.assertIn("&lt;b&gt;line two&lt;/b&gt;", lead.description)
        self.assertIn("Ask Us", self.get("/my").text)
