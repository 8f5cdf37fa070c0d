import importlib.util

from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools.misc import file_path


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

    def test_the_cards_metrics_speak_polish_and_russian(self):
        """The metrics are data with xmlids: the report's first page and
        the card name them in the user's language."""
        self._activate("pl_PL")
        self._activate("ru_RU")
        metric = self.env.ref("customer_service_process.metric_answer_time")
        self.assertEqual(metric.with_context(lang="pl_PL").name,
                         "Czas od otrzymania zamówienia do odpowiedzi o wykonalności")
        self.assertEqual(metric.with_context(lang="ru_RU").unit, "рабочих часов")
        self.assertEqual(metric.with_context(lang="en_US").name,
                         "Time from order received to the feasibility answer")

    def test_an_upgrade_binds_the_metrics_it_has(self):
        """19.0.1.11.0 on a database whose metrics have no xmlids: each is
        bound to its xmlid, the data's card first, so that the data finds it
        and makes no second metric with its code."""
        answer = self.env.ref("customer_service_process.metric_answer_time")
        self.env.cr.execute("""
            DELETE FROM ir_model_data WHERE module = 'customer_service_process'
                                        AND model = 'csp.process.metric'""")
        self.env.registry.clear_cache()
        path = file_path("customer_service_process/migrations/19.0.1.11.0/pre-migrate.py")
        spec = importlib.util.spec_from_file_location("csp_pre_migrate_metrics", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, "19.0.1.10.0")
        self.assertEqual(self.env.ref("customer_service_process.metric_answer_time"), answer)
        self.env.cr.execute("""
            SELECT count(*) FROM ir_model_data WHERE module = 'customer_service_process'
                                                 AND model = 'csp.process.metric'""")
        self.assertEqual(self.env.cr.fetchone()[0], len(module.CARDS))
