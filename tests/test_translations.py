from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    """The addon speaks the languages of its source documents."""

    def _activate(self, code):
        self.env["res.lang"]._activate_lang(code)
        self.env["ir.module.module"]._load_module_terms(["customer_service_process"], [code])

    def test_polish_and_russian_labels(self):
        for code, stage, group in (("pl_PL", "Oferta", "Przedstawiciel handlowy"),
                                   ("ru_RU", "Предложение", None)):
            self._activate(code)
            env = self.env(context={"lang": code})
            self.assertEqual(env.ref("customer_service_process.stage_offer").name, stage)
            if group:
                self.assertEqual(
                    env.ref("customer_service_process.group_field_rep").name, group)

    def test_error_message_in_the_users_language(self):
        self._activate("pl_PL")
        card = self.env.ref("customer_service_process.process_offer_to_acceptance")
        with self.assertRaises(ValidationError) as caught:
            card.with_context(lang="pl_PL").write({"metric_ids": [(0, 0, {
                "name": "Bez jednostki", "target": 1, "unit": " "})]})
        self.assertIn("wymaga podania jednostki", str(caught.exception))

    def test_feasibility_guard_speaks_polish(self):
        """A Polish-speaking rep who confirms an unchecked quotation is told
        why in Polish, and the stage of the check is named in Russian."""
        self._activate("pl_PL")
        self._activate("ru_RU")
        rep = new_test_user(self.env, login="csp_test_rep_pl", lang="pl_PL",
                            groups="customer_service_process.group_field_rep")
        customer = self.env["res.partner"].create({
            "name": "Klient testowy", "is_company": True, "user_id": rep.id})
        order = self.env["sale.order"].with_user(rep).create({"partner_id": customer.id})
        with self.assertRaises(UserError) as caught:
            order.with_user(rep).with_context(lang="pl_PL").action_confirm()
        self.assertIn("przed zatwierdzeniem jego analizy wykonalności", str(caught.exception))
        stage = self.env.ref("customer_service_process.stage_feasibility")
        self.assertEqual(stage.with_context(lang="ru_RU").name, "Проверка выполнимости")
