"""Issue 19: warranty claims (source document 002, CS6 and CS11).  Head office
registers a claim over JSON-RPC as the web client does; it says in or out of
warranty from the product's delivery, on both sides of the last day, and
its resolution follows from it."""

from odoo.tests import tagged

from .common import AfterSalesCase
from .outside import OutsideCase


@tagged("post_install", "-at_install")
class TestWarranty(OutsideCase, AfterSalesCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warranty = cls.env.ref("customer_service_process.complaint_type_warranty")
        # Pumps and their parts: 24 months; the spare part has its own, 12.
        cls.category = cls.env["product.category"].create({"name": "Test pumps"})
        (cls.pump | cls.component | cls.spare_part).categ_id = cls.category
        cls.spare_part.product_tmpl_id.write({"csp_own_warranty": True,
                                              "csp_warranty_months": 12})

    def _claim(self, order, moment):
        with self.as_user_at(self.head_office, moment):
            claim_id = self.save("csp.complaint", {
                "partner_id": order.partner_id.id, "order_id": order.id,
                "type_id": self.warranty.id, "channel": "phone",
                "description": "The pump leaks.",
                "line_ids": [(0, 0, {"product_id": self.spare_part.id, "quantity": 1})]})
        return self.env["csp.complaint"].browse(claim_id)

    def _read(self, claim):
        self.as_user(self.head_office)
        [row] = self.call("csp.complaint", "web_read", claim.ids, specification={
            "warranty_state": {}, "resolution": {},
            "line_ids": {"fields": {"delivered_on": {}, "warranty_until": {},
                                    "in_warranty": {}}}})
        return row

    def test_in_and_out_of_warranty_on_both_sides_of_its_last_day(self):
        order, _picking = self._delivered(moment="2026-03-02 10:00:00")
        # Delivered on 2 March 2026 with 12 months: the last day is 1 March 2027.
        last_day = self._claim(order, "2027-03-01 15:00:00")
        row = self._read(last_day)
        self.assertEqual(row["line_ids"][0]["delivered_on"], "2026-03-02")
        self.assertEqual(row["line_ids"][0]["warranty_until"], "2027-03-01")
        self.assertEqual((row["warranty_state"], row["resolution"]), ("in", "replacement"))

        day_after = self._claim(order, "2027-03-02 09:00:00")
        row = self._read(day_after)
        self.assertEqual((row["warranty_state"], row["resolution"]), ("out", "repair"))
        # Out of warranty: no free replacement, no credit note.
        name, message = self.refused_save("csp.complaint", {"resolution": "replacement"},
                                          record_id=day_after.id)
        self.assertEqual(name, "odoo.exceptions.ValidationError")
        self.assertIn("out of warranty", message)
        self.assertIn("03/01/2027", message)
        name, message = self.refused(day_after, "action_csp_create_credit_note")
        self.assertEqual(name, "odoo.exceptions.UserError")
        self.assertIn("no free replacement or credit note", message)
        # Whoever handles it cannot declare it in warranty.
        name, message = self.refused_save("csp.complaint", {"warranty_state": "in"},
                                          record_id=day_after.id)
        self.assertIn("set by the process", message)
        self.assertEqual(self._read(day_after)["warranty_state"], "out")
        # In warranty, a credit note or a repair is his choice.
        self.save("csp.complaint", {"resolution": "refund"}, record_id=last_day.id)
        self.assertEqual(self._read(last_day)["resolution"], "refund")

        # Counted in the management report of March 2027.
        self.as_user(self.manager)
        report_id = self.save("csp.kpi.report", {
            "date_from": "2027-03-01", "date_to": "2027-03-31", "channel": "all"})
        action = self.button(self.env["csp.kpi.report"].browse(report_id),
                             "action_export_xlsx")
        sheets = self.xlsx_rows(self.get(action["url"]))
        figures = {row[0]: row[1] for row in sheets["Returns and complaints"] if row[0]}
        self.assertEqual(figures["Warranty claims"], 2)
        self.assertEqual(figures["Warranty claims out of warranty"], 1)
        claims = next(row for row in sheets["Targets"] if row[1] == "Warranty claims")
        self.assertEqual(claims[2:5], (2, "≤ 0 claims", "missed"))

    def test_the_category_gives_the_warranty_unless_the_product_has_its_own(self):
        # Odoo's product managers edit products and categories: the administrator here.
        self.as_user(self.env.ref("base.user_admin"))
        template = self.pump.product_tmpl_id
        [row] = self.call("product.template", "web_read", template.ids,
                          specification={"csp_warranty_months": {}})
        self.assertEqual(row["csp_warranty_months"], 24)
        self.save("product.template", {"csp_own_warranty": True, "csp_warranty_months": 36},
                  record_id=template.id)
        self.save("product.category", {"csp_warranty_months": 18}, record_id=self.category.id)
        self.assertEqual(template.csp_warranty_months, 36, "its own stays")
        self.assertEqual(self.component.csp_warranty_months, 18, "the category's follows")
        name, message = self.refused_save("product.template", {"csp_warranty_months": -1},
                                          record_id=template.id)
        self.assertEqual(name, "odoo.exceptions.ValidationError")
        self.assertIn("cannot be below 0 months", message)
        self.assertEqual(template.csp_warranty_months, 36)
