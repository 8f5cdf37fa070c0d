from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestRepPhoneTour(HttpCase):
    """A field rep on his phone: the web client at phone size, with touch,
    logged in as the demo user rep1."""

    browser_size = "375x667"
    touch_enabled = True

    def test_rep1_starts_his_day_on_my_work(self):
        order = self.env.ref("customer_service_process.order_hydrobud_2")
        self.assertEqual(order.picking_ids.csp_delivery_state, "shipped")
        self.start_tour("/odoo", "csp_rep1_phone_home", login="rep1")

    def test_rep1_opens_a_quotation_on_his_phone(self):
        quotation = self.env.ref("customer_service_process.order_aquatech_2")
        self.assertEqual(quotation.user_id.login, "rep1")
        self.start_tour("/odoo/action-sale.action_quotations_with_onboarding",
                        "csp_rep1_phone_quotation", login="rep1")

    def test_rep1_finds_his_customer_on_his_phone(self):
        self.start_tour("/odoo/action-customer_service_process.action_my_customers",
                        "csp_rep1_phone_find_customer", login="rep1")

    def test_rep1_creates_a_quotation_on_his_phone(self):
        rep1 = self.env.ref("customer_service_process.user_rep1")
        customer = self.env.ref("customer_service_process.customer_hydrobud")
        before = self.env["sale.order"].search([("user_id", "=", rep1.id)])
        self.start_tour("/odoo/action-customer_service_process.action_my_quotations",
                        "csp_rep1_phone_new_quotation", login="rep1")
        created = self.env["sale.order"].search([("user_id", "=", rep1.id)]) - before
        self.assertEqual(len(created), 1)
        self.assertEqual(created.partner_id, customer)
        self.assertEqual(created.csp_channel, "visit")
        self.assertEqual(created.csp_stage_id.code, "offer")

    def test_rep1_checks_feasibility_on_his_phone(self):
        quotation = self.env.ref("customer_service_process.order_aquatech_2")
        self.start_tour("/odoo/action-customer_service_process.action_my_quotations",
                        "csp_rep1_phone_check_feasibility", login="rep1")
        check = quotation.csp_check_id
        self.assertEqual(check.requested_by_id.login, "rep1")
        self.assertIn(quotation.csp_approval_state, ("approved", "pending"))

    def test_head_of_sales_approves_on_his_phone(self):
        quotation = self.env.ref("customer_service_process.order_krakow_1")
        self.assertEqual(quotation.csp_approval_state, "pending")
        self.start_tour("/odoo/action-customer_service_process.action_csp_feasibility_to_approve",
                        "csp_manager_phone_approve", login="manager")
        self.assertEqual(quotation.csp_approval_state, "approved")
        self.assertEqual(quotation.csp_check_id.decided_by_id.login, "manager")

    def test_rep1_has_the_delivery_signed_on_his_phone(self):
        order = self.env.ref("customer_service_process.order_hydrobud_2")
        delivery = order.picking_ids
        self.assertEqual(delivery.csp_delivery_state, "shipped")
        self.start_tour("/odoo/action-customer_service_process.action_my_deliveries",
                        "csp_rep1_phone_confirm_delivery", login="rep1")
        self.assertEqual(delivery.csp_delivery_state, "confirmed")
        self.assertEqual(delivery.csp_confirmation_channel, "rep")
        self.assertTrue(delivery.csp_signature)
        self.assertEqual(order.csp_stage_id.code, "delivered")

    def test_rep1_registers_a_complaint_on_his_phone(self):
        before = self.env["csp.complaint"].search([])
        self.start_tour("/odoo/action-customer_service_process.action_csp_complaint",
                        "csp_rep1_phone_complaint", login="rep1")
        complaint = self.env["csp.complaint"].search([]) - before
        self.assertEqual(len(complaint), 1)
        self.assertEqual(complaint.partner_id,
                         self.env.ref("customer_service_process.customer_hydrobud"))
        self.assertEqual(complaint.create_uid.login, "rep1")
        self.assertTrue(complaint.date_deadline)

    def test_rep1_hands_over_a_leaflet_on_his_phone(self):
        attachment = self.env["ir.attachment"].create({
            "name": "leaflet.pdf", "raw": b"%PDF-1.4", "mimetype": "application/pdf"})
        rep1 = self.env.ref("customer_service_process.user_rep1")
        material = self.env["csp.sales.material"].create({
            "name": "Spring leaflet", "audience": "rep", "rep_id": rep1.id,
            "attachment_ids": [(6, 0, attachment.ids)],
            "company_id": rep1.company_id.id})
        material.with_user(self.env.ref("customer_service_process.user_manager")).action_approve()
        self.start_tour("/odoo/action-customer_service_process.action_my_materials",
                        "csp_rep1_phone_hand_over", login="rep1")
        send = material.send_ids.filtered(
            lambda s: s.partner_id == self.env.ref("customer_service_process.customer_hydrobud"))
        self.assertEqual(send.channel, "hand")
        self.assertEqual(send.handed_by_id, rep1)
