from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestRepPhoneTour(HttpCase):
    """A field rep on his phone: the web client at phone size, with touch."""

    browser_size = "375x667"
    touch_enabled = True

    def test_rep1_opens_a_quotation_on_his_phone(self):
        quotation = self.env.ref("customer_service_process.order_aquatech_2")
        self.assertEqual(quotation.user_id.login, "rep1")
        self.start_tour("/odoo/action-sale.action_quotations_with_onboarding",
                        "csp_rep1_phone_quotation", login="rep1")
