"""Issue 19: the process cards' responsibility matrix assigns the work.  A
process manager edits the step, its rules and the roles' holders over
JSON-RPC as the web client does; the next SLA breach goes where the card
says, and a step with nobody named falls back visibly."""

from odoo.tests import tagged

from .common import FeasibilityCase, run_queued_crons
from .outside import OutsideCase


@tagged("post_install", "-at_install")
class TestMatrix(OutsideCase, FeasibilityCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._stock(cls.spare_part, 500)
        cls.main_card = cls.env.ref("customer_service_process.process_customer_service")
        cls.step = cls.env.ref("customer_service_process.step_sla_breach")
        cls.head_role = cls.env.ref("customer_service_process.role_head_of_sales")
        cls.planning = cls.env.ref("customer_service_process.role_planning")
        cls.planner = cls.env["res.users"].create({
            "name": "Test Planner", "login": "csp_test_planner", "password": "csp_test_planner",
            "group_ids": [(6, 0, [cls.env.ref("base.group_user").id])]})

    def _late_quotation(self, user, partner, quantity, moment):
        with self.at(moment):
            return self._quotation(user, partner, self.spare_part, quantity)

    def _breaches(self, moment="2026-03-09 17:00:00"):
        with self.at(moment):
            run_queued_crons(self.env)
        self.login = None

    def _breach(self, order):
        breach = self.env.ref("customer_service_process.mail_activity_sla_breach")
        return order.activity_ids.filtered(lambda a: a.activity_type_id == breach)

    def test_the_step_its_rule_and_the_roles_holders_decide(self):
        # The card as delivered: a field rep's order to him, a head-office
        # order to the head of sales (the step's rule "Head-office orders").
        rep_order = self._late_quotation(self.rep, self.rep_customer, 2, "2026-03-06 16:00:00")
        office_order = self._late_quotation(self.head_office, self.customer, 2,
                                            "2026-03-06 16:00:00")
        self._breaches()
        self.assertEqual(self._breach(rep_order).user_id, self.rep)
        self.assertEqual(self._breach(office_order).user_id, self.manager)

        # The process manager adds a rule on the step: orders above 1,000 to
        # the head of sales, whoever sells them.
        self.as_user(self.manager)
        self.save("csp.process", {"step_ids": [(1, self.step.id, {"rule_ids": [(0, 0, {
            "name": "Orders above 1,000", "domain": '[("amount_untaxed", ">", 1000)]',
            "role_id": self.head_role.id})]})]}, record_id=self.main_card.id)
        big = self._late_quotation(self.rep, self.rep_customer, 30, "2026-03-09 16:00:00")
        small = self._late_quotation(self.rep, self.rep_customer, 2, "2026-03-09 16:00:00")
        self._breaches("2026-03-11 17:00:00")
        self.assertEqual(self._breach(big).user_id, self.manager, "1,500 is above 1,000")
        self.assertEqual(self._breach(small).user_id, self.rep)

        # The step given to Planning, which nobody holds: the card shows the
        # gap, and the work goes to the head of sales saying why.
        self.as_user(self.manager)
        self.save("csp.process", {"step_ids": [(1, self.step.id, {
            "rule_ids": [(5, 0, 0)], "responsible_role_ids": [(6, 0, self.planning.ids)]})]},
            record_id=self.main_card.id)
        [card] = self.call("csp.process", "web_read", self.main_card.ids, specification={
            "has_gap": {}, "gap_text": {},
            "step_ids": {"fields": {"name": {}, "has_gap": {}, "assignee_text": {}}}})
        self.assertTrue(card["has_gap"])
        self.assertIn("Follow up an order past its target", card["gap_text"])
        step = next(s for s in card["step_ids"] if s["id"] == self.step.id)
        self.assertEqual((step["has_gap"], step["assignee_text"]),
                         (True, "Nobody: the process owner"))
        orphan = self._late_quotation(self.rep, self.rep_customer, 2, "2026-03-11 16:00:00")
        self._breaches("2026-03-13 17:00:00")
        activity = self._breach(orphan)
        self.assertEqual(activity.user_id, self.manager)
        self.assertIn("Nobody is named for Follow up an order past its target", activity.note)

        # He names the planner in the role's form: the gap closes, the next
        # breach is the planner's.
        self.as_user(self.manager)
        self.save("csp.process.role", {"member_ids": [(0, 0, {
            "company_id": self.company.id, "user_id": self.planner.id})]},
            record_id=self.planning.id)
        [card] = self.call("csp.process", "web_read", self.main_card.ids,
                           specification={"has_gap": {}})
        self.assertFalse(card["has_gap"])
        planned = self._late_quotation(self.rep, self.rep_customer, 2, "2026-03-13 15:00:00")
        self._breaches("2026-03-17 17:00:00")
        self.assertEqual(self._breach(planned).user_id, self.planner)
        self.assertNotIn("Nobody is named", self._breach(planned).note or "")

    def test_the_fallback_follows_the_owner_leaving(self):
        """Nobody holds the step's role: the work goes to the card's owner;
        once the administrator archives him, to the head of sales (the
        cached matrix is read again)."""
        self.as_user(self.manager)
        self.save("csp.process", {"owner_id": self.planner.id, "step_ids": [(1, self.step.id, {
            "responsible_role_ids": [(6, 0, self.planning.ids)]})]},
            record_id=self.main_card.id)
        first = self._late_quotation(self.rep, self.rep_customer, 2, "2026-03-06 16:00:00")
        self._breaches()
        self.assertEqual(self._breach(first).user_id, self.planner)
        self.as_user(self.env.ref("base.user_admin"))
        self.button(self.planner, "action_archive")
        second = self._late_quotation(self.rep, self.rep_customer, 2, "2026-03-09 16:00:00")
        self._breaches("2026-03-11 17:00:00")
        self.assertEqual(self._breach(second).user_id, self.manager)

    def test_the_company_settings_show_the_roles_holders(self):
        """Head of Sales and Office Manager in the settings are the holders of
        the two roles: set in one place, read in the other."""
        self.as_user(self.manager)
        self.save("res.company", {"csp_office_manager_id": self.rep2.id},
                  record_id=self.company.id)
        office = self.env.ref("customer_service_process.role_office_manager")
        [role] = self.call("csp.process.role", "web_read", office.ids, specification={
            "holder_text": {}, "member_ids": {"fields": {"user_id": {}}}})
        self.assertEqual(role["holder_text"], self.rep2.name)
        self.save("csp.process.role", {"member_ids": [(1, role["member_ids"][0]["id"], {
            "user_id": self.head_office.id})]}, record_id=office.id)
        [company] = self.call("res.company", "web_read", self.company.ids,
                              specification={"csp_office_manager_id": {}})
        self.assertEqual(company["csp_office_manager_id"], self.head_office.id)

    def test_bad_rules_and_holders_are_refused(self):
        self.as_user(self.manager)
        count = len(self.step.rule_ids)
        name, message = self.refused_save("csp.process.step.rule", {
            "step_id": self.step.id, "name": "Big orders",
            "domain": '[("amount_untaxed", ">", 1000)]'})
        self.assertEqual(name, "odoo.exceptions.ValidationError")
        self.assertIn("names nobody", message)
        name, message = self.refused_save("csp.process.step.rule", {
            "step_id": self.step.id, "name": "Typo", "domain": '[("no_such_field", "=", 1)]',
            "role_id": self.head_role.id})
        self.assertIn("cannot be read", message)
        # A holder who does not work for the company.
        other = self.env["res.company"].create({"name": "Other Pumps Ltd"})
        outsider = self.env["res.users"].create({
            "name": "Outsider", "login": "csp_test_outsider", "company_id": other.id,
            "company_ids": [(6, 0, other.ids)]})
        name, message = self.refused_save("csp.process.role.member", {
            "role_id": self.planning.id, "company_id": self.company.id,
            "user_id": outsider.id})
        self.assertIn("does not work for", message)
        self.step.invalidate_recordset()
        self.assertEqual(len(self.step.rule_ids), count)
        self.assertFalse(self.planning.member_ids.filtered(
            lambda m: m.company_id == self.company))
        # Two steps cannot plan the same work.
        name, message = self.refused_save("csp.process", {"step_ids": [(0, 0, {
            "name": "Chase late orders", "activity": "sla_breach"})]},
            record_id=self.env.ref("customer_service_process.process_production").id)
        self.assertIn("one step decides who gets it", message)
        # A field rep reads the matrix, never changes it.
        self.as_user(self.rep)
        name, _message = self.refused_save("csp.process.step.rule", {
            "step_id": self.step.id, "name": "Mine", "role_id": self.head_role.id})
        self.assertEqual(name, "odoo.exceptions.AccessError")
        name, _message = self.refused_save("csp.process.role.member", {
            "role_id": self.head_role.id, "user_id": self.rep.id})
        self.assertEqual(name, "odoo.exceptions.AccessError")
