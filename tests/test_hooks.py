"""The addon's hooks, each overridden once as an integrator's addon would,
with its effect shown (the management report's are in test_hooks_kpi)."""
import re
from datetime import timedelta
from unittest.mock import patch

from odoo.tests import new_test_user, tagged

from .common import (
    AfterSalesCase,
    ApprovalCase,
    CustomerProcessCase,
    DunningCase,
    FeasibilityCase,
    LinkCase,
    run_queued_crons,
)


@tagged("post_install", "-at_install")
class TestFeasibilityHooks(FeasibilityCase):

    def setUp(self):
        super().setUp()
        self._stock(self.spare_part, 10)
        self.engine_class = type(self.env["csp.feasibility.engine"])

    def test_csp_checks_adds_and_drops_a_check(self):
        """An addon drops the customer check and adds a warranty check of its
        own: the results and the verdict follow."""
        original = self.engine_class._csp_checks

        def checks(engine):
            return [name for name in original(engine) if name != "customer"] + ["warranty"]

        def warranty(engine, run):
            run.results.append(engine._csp_result(
                "order", "warning", "Warranty terms to agree.", run.lines[:1]))

        with patch.object(self.engine_class, "_csp_checks", checks), \
                patch.object(self.engine_class, "_csp_check_warranty", warranty, create=True):
            order = self._quotation(self.rep, self.rep_customer, self.spare_part, 2)
            check = self._check(order, self.rep)
        self.assertFalse(self._results(check, "customer"))
        self.assertEqual(check.verdict, "conditions")
        self.assertIn("Warranty terms to agree.", check.verdict_reason)
        self.assertEqual(self._results(check, "stock").status, "pass")

    def test_vendor_delay_decides_the_proposed_date(self):
        """`_csp_vendor_delay` overridden (say, the vendor's delay from an
        external system): a product short in stock is promised later."""
        order = self._quotation(self.head_office, self.customer, self.spare_part, 12)
        with patch.object(self.engine_class, "_csp_vendor_delay",
                          lambda engine, run, product: 40):
            check = self._check(order, self.head_office)
        stock = self._results(check, "stock")
        self.assertIn("lead time: 40 (days)", stock.reason)
        self.assertGreaterEqual((check.proposed_date - check.checked_at.date()).days, 40)

    def test_unit_costs_and_verdict(self):
        """`_csp_unit_costs` from another source (a landed cost) makes the
        line sold below cost; `_csp_verdict` then explains it the addon's
        way."""
        original_verdict = self.engine_class._csp_verdict

        def unit_costs(engine, run, lines):
            return {product: 1000.0 for product in lines.product_id}

        def verdict(engine, run):
            state, reason = original_verdict(engine, run)
            return state, f"{reason}\n(landed costs)"

        order = self._quotation(self.head_office, self.customer, self.spare_part, 2)
        with patch.object(self.engine_class, "_csp_unit_costs", unit_costs), \
                patch.object(self.engine_class, "_csp_verdict", verdict):
            check = self._check(order, self.head_office)
        profitability = self._results(check, "profitability").filtered("order_line_id")
        self.assertEqual(profitability.status, "fail")
        self.assertEqual(profitability.sudo().unit_cost, 1000.0)
        self.assertEqual(check.verdict, "not_feasible")
        self.assertTrue(check.verdict_reason.endswith("(landed costs)"))

    def test_confirmed_date_and_approval_values(self):
        """`_csp_confirmed_date` promises two days more than proposed and
        `_prepare_approval_vals` adds a reason: the automatic approval writes
        both, and the order is promised the later date."""
        check_class = type(self.env["csp.feasibility.check"])
        original_vals = check_class._prepare_approval_vals

        def confirmed_date(check, new_date):
            return (new_date or check.proposed_date) + timedelta(days=2)

        def approval_vals(check, auto, reason, confirmed, conditions):
            return dict(original_vals(check, auto, reason, confirmed, conditions),
                        decision_reason="Two days of safety margin")

        order = self._quotation(self.rep, self.rep_customer, self.spare_part, 2)
        with patch.object(check_class, "_csp_confirmed_date", confirmed_date), \
                patch.object(check_class, "_prepare_approval_vals", approval_vals):
            check = self._check(order, self.rep)
            check.action_submit()
        self.assertEqual(check.state, "approved")
        self.assertEqual(check.confirmed_date, check.proposed_date + timedelta(days=2))
        self.assertEqual(check.decision_reason, "Two days of safety margin")
        self.assertEqual(order.commitment_date.date(), check.confirmed_date)
        self.assertEqual(order.state, "sale")


@tagged("post_install", "-at_install")
class TestOrderHooks(FeasibilityCase):

    def test_after_confirm_adds_a_step(self):
        """`_csp_after_confirm` extended: the addon's step runs once per
        confirmation, after the addon's own (the pick-up notice, the new
        customer's materials)."""
        order_class = type(self.env["sale.order"])
        original = order_class._csp_after_confirm
        seen = []

        def after_confirm(orders):
            original(orders)
            seen.append((orders.ids, orders.mapped("state")))

        self._stock(self.spare_part, 10)
        order = self._quotation(self.head_office, self.customer, self.spare_part, 1)
        with patch.object(order_class, "_csp_after_confirm", after_confirm):
            order.with_user(self.head_office).action_confirm()
        self.assertEqual(seen, [(order.ids, ["sale"])])
        self.assertTrue(order.partner_id.commercial_partner_id.csp_customer_since)

    def test_stage_rule(self):
        """A stage's rule `_csp_stage_<code>` overridden (say, accepted only
        once the prepayment is in): a confirmed order without it stays an
        offer."""
        order_class = type(self.env["sale.order"])

        def accepted(orders):
            return orders.browse(), orders.browse()

        self._stock(self.spare_part, 10)
        order = self._quotation(self.head_office, self.customer, self.spare_part, 1)
        with patch.object(order_class, "_csp_stage_accepted", accepted):
            order.with_user(self.head_office).action_confirm()
            self.env.flush_all()
            self.assertEqual(order.state, "sale")
            self.assertEqual(order.csp_stage_id.code, "offer")
        # Without the override the same order is Accepted (the stage is
        # computed again from its documents).
        self.env.add_to_compute(order._fields["csp_stage_id"], order)
        order.sudo().flush_recordset(["csp_stage_id"])
        self.assertEqual(order.csp_stage_id.code, "accepted")

    def test_milestones(self):
        """`_csp_milestones` without the acceptance: a confirmed order gets
        no acceptance date, the answer date still."""
        order_class = type(self.env["sale.order"])
        original = order_class._csp_milestones

        def milestones(orders):
            return [row for row in original(orders) if row[0] != "csp_accepted_at"]

        self._stock(self.spare_part, 10)
        order = self._quotation(self.head_office, self.customer, self.spare_part, 1)
        with patch.object(order_class, "_csp_milestones", milestones):
            order.with_user(self.head_office).action_confirm()
            self.env.flush_all()
            self.env.cr.precommit.run()
        self.assertEqual(order.csp_stage_id.code, "accepted")
        self.assertFalse(order.csp_accepted_at)
        self.assertTrue(order.csp_answered_at)

    def test_can_pay_online(self):
        """`_csp_can_pay_online`: whether Odoo asks the customer for the
        prepayment online when he signs."""
        order_class = type(self.env["sale.order"])
        order = self._quotation(self.head_office, self.customer, self.spare_part, 1)
        order.sudo().write({"require_payment": True, "prepayment_percent": 0.3})
        with patch.object(order_class, "_csp_can_pay_online", lambda order: False):
            self.assertFalse(order._has_to_be_paid())
        with patch.object(order_class, "_csp_can_pay_online", lambda order: True):
            self.assertTrue(order._has_to_be_paid())


@tagged("post_install", "-at_install")
class TestDunningHooks(DunningCase):

    def setUp(self):
        super().setUp()
        self.run_class = type(self.env["csp.dunning.run"])
        self.letter_class = type(self.env["csp.dunning.letter"])

    def test_skip_reason_and_level_reached(self):
        """`_csp_skip_reason` adds a reason (invoices under 50 wait) and
        `_csp_level_reached` another rule (never above the second level)."""
        original_reason = self.run_class._csp_skip_reason

        def skip_reason(run, invoice):
            return original_reason(run, invoice) or (
                "Small amounts wait" if invoice["amount_residual"] < 50 else None)

        def level_reached(run, days_late, level_days):
            levels = [level for days, level in level_days[:2] if days_late >= days]
            return levels[-1] if levels else None

        small = self._invoice(self.customer, 30.0, "2026-01-10")
        large = self._invoice(self.customer, 300.0, "2026-01-10")
        with patch.object(self.run_class, "_csp_skip_reason", skip_reason), \
                patch.object(self.run_class, "_csp_level_reached", level_reached):
            run = self._run("2026-04-10")
        self.assertEqual(run.skip_ids.move_id, small)
        self.assertEqual(run.skip_ids.reason, "Small amounts wait")
        self.assertEqual(run.letter_ids.line_ids.move_id, large)
        self.assertEqual(run.letter_ids.level_id, self.second)

    def test_prepare_letter_fee_and_call_values(self):
        """`_prepare_dunning_letter_vals`, `_prepare_fee_move_vals` and
        `_prepare_call_activity_vals` extended: the letter, its fee invoice
        and the call carry the addon's values."""
        self.second.write({"fee_type": "fixed", "fee_amount": 25.0, "channel": "phone"})
        prepare_letter = self.run_class._prepare_dunning_letter_vals
        prepare_fee = self.letter_class._prepare_fee_move_vals
        prepare_call = self.letter_class._prepare_call_activity_vals

        def letter_vals(run, partner_id, level_id):
            return dict(prepare_letter(run, partner_id, level_id),
                        fallback_reason="chosen by the addon")

        def fee_vals(letter, lines, product):
            return dict(prepare_fee(letter, lines, product), ref=f"FEE/{letter.partner_id.name}")

        def call_vals(letter, activity_type, partner_model_id):
            return dict(prepare_call(letter, activity_type, partner_model_id),
                        summary="Call the key account")

        self._invoice(self.customer, 100.0, "2026-03-01")
        with patch.object(self.run_class, "_prepare_dunning_letter_vals", letter_vals), \
                patch.object(self.letter_class, "_prepare_fee_move_vals", fee_vals), \
                patch.object(self.letter_class, "_prepare_call_activity_vals", call_vals):
            run = self._send(self._run("2026-03-16"))
        letter = run.letter_ids
        self.assertEqual(letter.fallback_reason, "chosen by the addon")
        self.assertEqual(letter.fee_move_ids.ref, f"FEE/{self.customer.name}")
        calls = self.env["mail.activity"].search([
            ("res_model", "=", "res.partner"), ("res_id", "=", self.customer.id)])
        self.assertEqual(calls.mapped("summary"), ["Call the key account"])

    def test_channel_senders(self):
        """`_csp_channel_senders` maps a channel to another sender: phone
        letters go to the addon's call centre instead of an activity."""
        self.second.channel = "phone"
        called = []

        def senders(letter_model):
            return {"email": "_csp_email", "phone": "_csp_call_centre"}

        def call_centre(letters):
            called.extend(letters.ids)

        self._invoice(self.customer, 100.0, "2026-03-01")
        with patch.object(self.letter_class, "_csp_channel_senders", senders), \
                patch.object(self.letter_class, "_csp_call_centre", call_centre, create=True):
            run = self._send(self._run("2026-03-16"))
        self.assertEqual(called, run.letter_ids.ids)
        self.assertFalse(self.env["mail.activity"].search([
            ("res_model", "=", "res.partner"), ("res_id", "=", self.customer.id)]))
        self.assertEqual(run.letter_ids.state, "sent")


@tagged("post_install", "-at_install")
class TestComplaintHooks(LinkCase, AfterSalesCase):

    def test_prepare_portal_complaint_vals(self):
        """`_prepare_portal_complaint_vals` and its line hook extended: the
        complaint a customer files on his portal carries the addon's
        values."""
        login = "csp_hooks_portal"
        new_test_user(self.env, login=login, password=login, groups="base.group_portal",
                      partner_id=self.rep_contact.id)
        complaint_class = type(self.env["csp.complaint"])
        prepare = complaint_class._prepare_portal_complaint_vals
        prepare_line = complaint_class._prepare_portal_complaint_line_vals

        def complaint_vals(complaint, partner, order, picking, **kwargs):
            vals = prepare(complaint, partner, order, picking, **kwargs)
            return dict(vals, description=f"[web] {vals['description']}")

        def line_vals(complaint, product, quantity):
            return dict(prepare_line(complaint, product, quantity), quantity=quantity + 1)

        order, picking = self._delivered(quantity=5)
        self.authenticate(login, login)
        form = self.url_open(f"/my/complaints/new?order_id={order.id}")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        quality = self.env.ref("customer_service_process.complaint_type_quality")
        with patch.object(complaint_class, "_prepare_portal_complaint_vals", complaint_vals), \
                patch.object(complaint_class, "_prepare_portal_complaint_line_vals", line_vals):
            done = self.url_open("/my/complaints/new", data={
                "csrf_token": csrf, "order_id": order.id, "type_id": quality.id,
                "description": "Cracked", f"quantity_{picking.move_ids.id}": "2"})
        self.assertEqual(done.status_code, 200, done.text[:300])
        complaint = self.env["csp.complaint"].search([("order_id", "=", order.id)])
        self.assertEqual(complaint.description, "[web] Cracked")
        self.assertEqual(complaint.line_ids.quantity, 3.0)


@tagged("post_install", "-at_install")
class TestResponsibleHooks(CustomerProcessCase):

    def _breach_user(self, order):
        breach = self.env.ref("customer_service_process.mail_activity_sla_breach")
        return order.activity_ids.filtered(lambda a: a.activity_type_id == breach).user_id

    def test_sla_responsible_and_the_companys_fallback(self):
        """`_csp_sla_responsible` overridden (the team leader first) decides
        who gets a breach; `res.company._csp_responsible`, the one fallback
        of every planned activity, decides when nobody is set."""
        order_class = type(self.env["sale.order"])
        company_class = type(self.env["res.company"])
        original = company_class._csp_responsible
        with self.at("2026-03-06 16:00:00"):
            team_order = self._quotation(self.head_office, self.customer, self.spare_part)
            orphan = self._quotation(self.head_office, self.customer, self.spare_part)
        team_order.sudo().team_id = self.env["crm.team"].create(
            {"name": "Hooks team", "user_id": self.rep2.id})
        orphan.sudo().write({"user_id": False, "team_id": False})

        def sla_responsible(order):
            if order == team_order:
                return order.team_id.user_id
            return order.company_id._csp_responsible(order.user_id)

        def fallback(company, *users):
            return original(company, *users) if any(users) else self.accountant

        with self.at("2026-03-09 17:00:00"), \
                patch.object(order_class, "_csp_sla_responsible", sla_responsible), \
                patch.object(company_class, "_csp_responsible", fallback):
            run_queued_crons(self.env)
        self.assertEqual(self._breach_user(team_order), self.rep2)
        self.assertEqual(self._breach_user(orphan), self.accountant)


@tagged("post_install", "-at_install")
class TestApprovalHooks(ApprovalCase):

    def test_find_approver(self):
        """`_csp_find_approver` overridden (the head of sales of the rep's
        team, say): he gets the activity and the one-time link."""
        check_class = type(self.env["csp.feasibility.check"])
        with patch.object(check_class, "_csp_find_approver", lambda check: self.head_office):
            order, check = self._pending()
        self.assertEqual(check.sudo().approver_id, self.head_office)
        approval = self.env.ref("customer_service_process.mail_activity_feasibility_approval")
        self.assertEqual(order.activity_ids.filtered(
            lambda a: a.activity_type_id == approval).user_id, self.head_office)
        self.assertEqual(self._approval_mail(check).recipient_ids,
                         self.head_office.partner_id)


@tagged("post_install", "-at_install")
class TestWorkHooks(FeasibilityCase):

    def test_work_domains_decides_what_my_work_counts(self):
        """An addon counts only the quotations sent to the customer as the
        ones to follow up (a draft is still being written)."""
        self._stock(self.spare_part, 10)
        draft = self._quotation(self.rep, self.rep_customer, self.spare_part, 1)
        sent = self._quotation(self.rep, self.rep_customer, self.spare_part, 1)
        sent.sudo().state = "sent"
        Users = type(self.env["res.users"])
        original = Users._csp_work_domains

        def domains(users):
            result = original(users)
            result["csp_work_quotation_count"] = (
                "sale.order", "user_id", [("state", "=", "sent")])
            return result

        rep = self.rep.with_user(self.rep)
        self.assertEqual(rep.csp_work_quotation_count, 2)
        rep.invalidate_recordset()
        with patch.object(Users, "_csp_work_domains", domains):
            self.assertEqual(rep.csp_work_quotation_count, 1)
        self.assertTrue(draft.exists())


@tagged("post_install", "-at_install")
class TestInquiryHooks(FeasibilityCase):

    def test_inquiry_responsible_decides_the_routing(self):
        """An addon sends every new customer's inquiry to the head of sales
        instead of the office manager."""
        self.company.csp_office_manager_id = self.head_office
        Lead = type(self.env["crm.lead"])
        original = Lead._get_csp_inquiry_responsible

        def responsible(lead):
            if lead.csp_new_customer:
                return lead.company_id.csp_head_of_sales_id or self.manager
            return original(lead)

        values = {"name": "New hotel", "type": "opportunity", "contact_name": "Jan",
                  "phone": "+48 600", "csp_channel": "email"}
        leads = self.env["crm.lead"].with_user(self.head_office)
        self.assertEqual(leads.create(dict(values)).user_id, self.head_office)
        with patch.object(Lead, "_get_csp_inquiry_responsible", responsible):
            self.assertEqual(leads.create(dict(values)).user_id, self.manager)
            known = leads.create(dict(values, partner_id=self.rep_customer.id))
            self.assertEqual(known.user_id, self.rep, "an existing customer's rep still")
