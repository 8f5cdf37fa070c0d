"""A customer files a complaint on his portal (issue 14, item 4; source
document 000: complaints are taken online).

Everything is done from the outside, as the customer's browser does it: he
logs in, finds the link on his delivered order's page, opens the form,
posts it (multipart, with the page's CSRF token and his photos) and lands on
his new complaint.  The complaint gets the deadline and the responsible a
complaint registered by head office for the same order gets.  Every bad
input is answered with the form again, its message and HTTP 400, and
nothing is created.
"""

import html
import json
import re

from odoo.tests import Form, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import OVERSIZE, AfterSalesCase, LinkCase, blank_png

NEW = "/my/complaints/new"
LOGIN = "csp_portal_complainer"


@tagged("post_install", "-at_install")
class TestPortalComplaint(LinkCase, AfterSalesCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A buyer of rep1's customer, with his own portal login.
        cls.portal = new_test_user(cls.env, login=LOGIN, password=LOGIN,
                                   groups="base.group_portal", partner_id=cls.rep_contact.id)
        cls.quality = cls.env.ref("customer_service_process.complaint_type_quality")
        cls.photo = blank_png((40, 30))

    def setUp(self):
        super().setUp()
        self.authenticate(LOGIN, LOGIN)

    # ------------------------------------------------------------- helpers

    def _foreign_delivered(self):
        """A delivered order of rep2's customer: not this customer's."""
        self._stock(self.spare_part, 20)
        order = self._quotation(self.head_office, self.rep2_customer, self.spare_part, 3,
                                user_id=self.rep2)
        order.with_user(self.head_office).action_confirm()
        return order, self._ship(order)

    def _get(self, url, status=200):
        response = self.url_open(url)
        self.assertEqual(response.status_code, status, f"GET {url}: {response.text[:300]}")
        return response

    def _csrf(self, text):
        found = re.search(r'name="csrf_token" value="([^"]+)"', text)
        self.assertTrue(found, "the page has no form to post")
        return found.group(1)

    def _form(self, order, picking=None):
        url = f"{NEW}?order_id={order.id}" + (f"&picking_id={picking.id}" if picking else "")
        return self._get(url)

    def _post(self, data, csrf, files=None):
        return self.url_open(NEW, data=dict(data, csrf_token=csrf), files=files)

    def _values(self, order, move, quantity="2", **values):
        return dict({
            "order_id": order.id, "type_id": self.quality.id,
            "description": "The housing is cracked", f"quantity_{move.id}": quantity,
        }, **values)

    def _complaints(self):
        return self.env["csp.complaint"].sudo().search_count([])

    def _attachments(self):
        return self.env["ir.attachment"].sudo().search_count(
            [("res_model", "=", "csp.complaint")])

    def _head_office_complaint(self, order, received_at):
        """The complaint head office registers for the same order, received
        at the same moment, through its form."""
        with Form(self.env["csp.complaint"].with_user(self.head_office)) as form:
            form.partner_id = order.partner_id
            form.order_id = order
            form.type_id = self.quality
            form.description = "The housing is cracked"
            form.received_at = received_at
            with form.line_ids.new() as line:
                line.product_id = self.spare_part
                line.quantity = 2
        return form.record

    # --------------------------------------------------------------- tests

    def test_customer_files_a_complaint_from_his_delivered_order(self):
        order, picking = self._delivered(quantity=5)
        move = picking.move_ids
        # The link on his order's page, to the form with the order chosen.
        page = self._get(f"/my/orders/{order.id}")
        link = re.search(r'href="(/my/complaints/new[^"]*)"', page.text)
        self.assertTrue(link, "no link to file a complaint on the order's page")
        self.assertEqual(html.unescape(link.group(1)), f"{NEW}?order_id={order.id}")
        form = self._get(html.unescape(link.group(1)))
        self.assertIn(order.name, form.text)
        self.assertIn(self.spare_part.display_name, form.text)
        self.assertIn(f'name="quantity_{move.id}"', form.text)
        self.assertIn(f'value="{self.quality.id}"', form.text)
        self.assertIn('enctype="multipart/form-data"', form.text)

        done = self._post(self._values(order, move), self._csrf(form.text), files=[
            ("photos", ("crack.png", self.photo, "image/png")),
            ("photos", ("from the side", self.photo, "image/png")),
        ])
        self.assertEqual(done.status_code, 200, done.text[:500])
        complaint = self.env["csp.complaint"].search([("order_id", "=", order.id)])
        self.assertEqual(len(complaint), 1)
        self.assertTrue(done.url.endswith(f"/my/complaints/{complaint.id}"), done.url)
        self.assertIn(complaint.name, done.text)
        self.assertIn("The housing is cracked", done.text)

        self.assertEqual(complaint.partner_id, order.partner_id)
        self.assertEqual(complaint.company_id, order.company_id)
        self.assertEqual(complaint.channel, "portal")
        self.assertEqual(complaint.type_id, self.quality)
        self.assertEqual(complaint.picking_id, picking, "the delivery the products came from")
        self.assertEqual(complaint.line_ids.product_id, self.spare_part)
        self.assertEqual(complaint.line_ids.quantity, 2.0)
        self.assertEqual(complaint.line_ids.delivered_qty, 5.0)
        self.assertEqual(complaint.create_uid, self.portal)
        self.assertIn(self.rep_contact, complaint.message_partner_ids)

        # Deadline, responsible, stage and activity: as head office's.
        office = self._head_office_complaint(order, complaint.received_at)
        self.assertEqual(complaint.user_id, self.manager, "the head of sales")
        for field in ("user_id", "stage_id", "date_deadline", "company_id", "partner_id",
                      "salesperson_id", "is_closed"):
            self.assertEqual(complaint[field], office[field], field)
        self.assertEqual(complaint.date_deadline,
                         self.calendar._csp_plan_working_days(10, complaint.received_at))
        self.assertEqual(complaint.activity_ids.user_id, office.activity_ids.user_id)
        self.assertEqual(complaint.activity_ids.date_deadline, office.activity_ids.date_deadline)
        self.assertTrue(any(complaint.name in (m.body or "") for m in order.message_ids))

        # The photos: the customer's message on the complaint, for head office too.
        photos = self.env["ir.attachment"].with_user(self.head_office).search(
            [("res_model", "=", "csp.complaint"), ("res_id", "=", complaint.id)])
        self.assertEqual(len(photos), 2)
        self.assertEqual(set(photos.mapped("mimetype")), {"image/png"})
        self.assertEqual(set(photos.mapped("name")), {"crack.png", "from the side.png"})
        message = complaint.message_ids.filtered("attachment_ids")
        self.assertEqual(message.author_id, self.rep_contact)
        self.assertEqual(message.attachment_ids, photos)
        self.assertEqual(message.message_type, "comment")
        self.assertFalse(message.subtype_id.internal)
        # ... and on his complaint's page, each picture with its own token.
        for photo in photos:
            found = re.search(rf'src="(/web/image/{photo.id}/300x300\?access_token=[^"]+)"',
                              done.text)
            self.assertTrue(found, photo.name)
            image = self._get(html.unescape(found.group(1)))
            self.assertTrue(image.headers["Content-Type"].startswith("image/"))
        # Without the token he reads no attachment.
        with mute_logger("odoo.http"):
            self.assertNotEqual(self.url_open(f"/web/content/{photos[0].id}").status_code, 200)

        # The list has it, and the button to file another.
        listing = self._get("/my/complaints")
        self.assertIn(complaint.name, listing.text)
        self.assertIn(f'href="{NEW}"', listing.text)

    def test_the_order_or_one_of_its_deliveries(self):
        order = self._order(quantity=5)
        first = self._ship(order, quantity=2, backorder=True)
        second = self._ship(order)
        first_move, second_move = first.move_ids, second.move_ids
        # The whole order: every delivered move, each with its delivery.
        form = self._form(order)
        for picking in (first, second):
            self.assertIn(picking.name, form.text)
            self.assertIn(f'name="quantity_{picking.move_ids.id}"', form.text)
        # One delivery: its own products only.
        form = self._form(order, first)
        self.assertIn(f'name="quantity_{first_move.id}"', form.text)
        self.assertNotIn(f'name="quantity_{second_move.id}"', form.text)
        self.assertIn(f'name="picking_id" value="{first.id}"', form.text)

        # On the whole order, from both deliveries: one line per product.
        csrf = self._csrf(form.text)
        done = self._post(self._values(order, first_move, "1", **{
            f"quantity_{second_move.id}": "2,5"}), csrf)
        self.assertEqual(done.status_code, 200, done.text[:500])
        complaint = self.env["csp.complaint"].search([("order_id", "=", order.id)])
        self.assertFalse(complaint.picking_id)
        self.assertEqual(complaint.line_ids.product_id, self.spare_part)
        self.assertEqual(complaint.line_ids.quantity, 3.5)

        # On the first delivery: at most its 2, nothing of the second.
        before = self._complaints()
        for quantities, message in (
                ({f"quantity_{first_move.id}": "3"}, "at most the"),
                ({f"quantity_{second_move.id}": "1"}, "not part of this delivery")):
            refused = self._post(dict(self._values(order, first_move, ""), picking_id=first.id,
                                      **quantities), csrf)
            self.assertEqual(refused.status_code, 400, message)
            self.assertIn(message, html.unescape(refused.text))
        self.assertEqual(self._complaints(), before)
        done = self._post(dict(self._values(order, first_move, "2"), picking_id=first.id), csrf)
        self.assertEqual(done.status_code, 200, done.text[:500])
        self.assertEqual(self.env["csp.complaint"].search(
            [("order_id", "=", order.id)], limit=1).picking_id, first)

    def test_choosing_among_his_delivered_orders_only(self):
        delivered, _picking = self._delivered()
        undelivered = self._order(quantity=1)
        foreign, _foreign_picking = self._foreign_delivered()
        form = self._get(NEW)
        self.assertIn(f'<option value="{delivered.id}"', form.text)
        self.assertNotIn(f'<option value="{undelivered.id}"', form.text)
        self.assertNotIn(f'<option value="{foreign.id}"', form.text)
        # No link on the page of an order not delivered yet.
        page = self._get(f"/my/orders/{undelivered.id}")
        self.assertNotIn(NEW, page.text)
        # Someone else's order, named in the address: not found, not shown.
        with mute_logger("odoo.http"):
            refused = self._get(f"{NEW}?order_id={foreign.id}", status=400)
        self.assertIn("We cannot find this order among yours.", refused.text)
        self.assertNotIn(foreign.name, refused.text)

    def test_bad_input_is_refused_with_a_message_and_saves_nothing(self):
        order, picking = self._delivered(quantity=5)
        move = picking.move_ids
        undelivered = self._order(quantity=1)
        foreign, foreign_picking = self._foreign_delivered()
        csrf = self._csrf(self._form(order).text)
        bad = [
            ("someone else's order", self._values(foreign, foreign_picking.move_ids), None,
             "We cannot find this order among yours."),
            ("someone else's delivery", self._values(order, move, picking_id=foreign_picking.id),
             None, "We cannot find this delivery among yours."),
            ("an order not delivered", self._values(undelivered, move), None,
             f"{undelivered.name} has not been delivered yet"),
            ("above delivered", self._values(order, move, "6"), None, "at most the"),
            ("zero", self._values(order, move, "0"), None, "more than 0"),
            ("negative", self._values(order, move, "-1"), None, "more than 0"),
            ("not a number", self._values(order, move, "nan"), None,
             "give the quantity as a number"),
            ("no product", self._values(order, move, ""), None,
             "Give the quantity of at least one product"),
            ("a product not on the delivery",
             self._values(order, move, **{f"quantity_{foreign_picking.move_ids.id}": "1"}),
             None, "That product is not part of this delivery."),
            ("no description", self._values(order, move, description="  "), None,
             "Describe what is wrong."),
            ("no type", self._values(order, move, type_id=""), None,
             "Choose what the complaint is about."),
            ("a text file", self._values(order, move),
             {"photos": ("notes.png", b"just some text", "image/png")},
             "The photo notes.png is not an image."),
            ("an SVG", self._values(order, move),
             {"photos": ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg")},
             "The photo x.svg is not an image."),
            ("too many bytes", self._values(order, move),
             {"photos": ("big.png", self.photo + b"\0" * (6 * 1024 * 1024), "image/png")},
             "The photo big.png is too large: 6.0 MB, at most 5 MB."),
            ("too many pixels", self._values(order, move),
             {"photos": ("huge.png", blank_png(OVERSIZE), "image/png")},
             "11000 x 11000 pixels"),
            ("too many photos", self._values(order, move),
             [("photos", (f"{n}.png", self.photo, "image/png")) for n in range(6)],
             "Send at most 5 photos."),
        ]
        complaints, attachments = self._complaints(), self._attachments()
        for case, data, files, message in bad:
            response = self._post(data, csrf, files=files)
            self.assertEqual(response.status_code, 400, case)
            self.assertIn(message, html.unescape(response.text), case)
            self.assertIn("o_csp_complaint_error", response.text, case)
        self.assertEqual(self._complaints(), complaints)
        self.assertEqual(self._attachments(), attachments)
        self.assertFalse(self.env["csp.complaint"].search(
            [("order_id", "in", (order | undelivered | foreign).ids)]))

        # The form comes back with what he typed.
        again = self._post(self._values(order, move, "2", type_id=""), csrf)
        self.assertIn("The housing is cracked</textarea>", again.text)
        self.assertRegex(again.text, rf'name="quantity_{move.id}"[^>]*value="2"')

        # Without the page's CSRF token: refused, nothing created.
        with mute_logger("odoo.http"):
            forged = self.url_open(NEW, data=self._values(order, move))
        self.assertEqual(forged.status_code, 400)
        self.assertEqual(self._complaints(), complaints)

        # The same form, right: created.
        done = self._post(self._values(order, move), csrf,
                          files={"photos": ("ok.png", self.photo, "image/png")})
        self.assertEqual(done.status_code, 200, done.text[:500])
        self.assertEqual(self._complaints(), complaints + 1)

    def test_portal_users_still_cannot_create_by_rpc(self):
        order, picking = self._delivered()
        with mute_logger("odoo.http"):
            with self.assertRaises(JsonRpcException, msg="create"):
                self.make_jsonrpc_request("/web/dataset/call_kw/csp.complaint/create", {
                    "model": "csp.complaint", "method": "create", "args": [{
                        "partner_id": self.rep_customer.id, "order_id": order.id,
                        "type_id": self.quality.id, "description": "By RPC"}],
                    "kwargs": {}})
            with self.assertRaises(JsonRpcException, msg="private method"):
                self.make_jsonrpc_request(
                    "/web/dataset/call_kw/csp.complaint/_csp_create_from_portal", {
                        "model": "csp.complaint", "method": "_csp_create_from_portal",
                        "args": [self.rep_contact.id, {
                            "order_id": order.id, "type_id": self.quality.id,
                            "description": "By RPC",
                            f"quantity_{picking.move_ids.id}": "1"}],
                        "kwargs": {}})
        self.assertFalse(self.env["csp.complaint"].search([("order_id", "=", order.id)]))


@tagged("post_install", "-at_install")
class TestPortalComplaintPhone(LinkCase, AfterSalesCase):
    """The form on a phone: one column, nothing wider than the screen."""

    browser_size = "375x667"
    touch_enabled = True

    def test_form_fits_a_phone(self):
        new_test_user(self.env, login=LOGIN, password=LOGIN, groups="base.group_portal",
                      partner_id=self.rep_contact.id)
        order, _picking = self._delivered()
        code = """
            const form = document.querySelector('form.o_csp_complaint_form');
            if (!form) { throw new Error('no complaint form'); }
            const page = document.documentElement;
            if (page.scrollWidth > window.innerWidth + 1) {
                throw new Error(`the page is ${page.scrollWidth}px wide`);
            }
            const left = (selector) => form.querySelector(selector).getBoundingClientRect().left;
            const lefts = ['#csp_complaint_type', '#csp_complaint_photos',
                           '#csp_complaint_description', '.o_csp_complaint_move input']
                .map(left);
            if (new Set(lefts.map(Math.round)).size !== 1) {
                throw new Error(`not one column: ${lefts}`);
            }
            console.log('test successful');
        """
        self.browser_js(f"{NEW}?order_id={order.id}", code, login=LOGIN)

    def test_his_portal_pages_fit_a_phone(self):
        """The home tiles with their icons and inner space, the complaints
        table within the screen, each page named in the breadcrumb."""
        new_test_user(self.env, login=LOGIN, password=LOGIN, groups="base.group_portal",
                      partner_id=self.rep_contact.id)
        self._delivered()
        home = """
            const tiles = [...document.querySelectorAll('.o_portal_index_card a')]
                .filter((a) => /complaints|statement|materials/.test(a.getAttribute('href'))
                               && a.offsetParent !== null);
            if (tiles.length < 2) { throw new Error(`${tiles.length} of the addon's tiles shown`); }
            for (const tile of tiles) {
                const icon = tile.querySelector('.o_portal_icon img');
                if (!icon || !icon.getAttribute('src').includes('customer_service_process')) {
                    throw new Error(`${tile.getAttribute('href')}: no icon`);
                }
                const text = tile.querySelector('h5, .h5, div:not(.o_portal_icon)');
                if (text.getBoundingClientRect().left - tile.getBoundingClientRect().left < 8) {
                    throw new Error(`${tile.getAttribute('href')}: text against the edge`);
                }
            }
            console.log('test successful');
        """
        self.browser_js("/my", home, login=LOGIN)
        for url, name in (("/my/complaints", "Complaints"), ("/my/statement", "Statement"),
                          ("/my/materials", "Price Lists and Materials")):
            code = """
                const page = document.documentElement;
                if (page.scrollWidth > window.innerWidth + 1) {
                    throw new Error(`the page is ${page.scrollWidth}px wide`);
                }
                const crumb = document.querySelector('.o_portal_submenu .breadcrumb-item.active');
                if (!crumb || crumb.textContent.trim() !== NAME) {
                    throw new Error(`breadcrumb: ${crumb && crumb.textContent}`);
                }
                console.log('test successful');
            """.replace("NAME", json.dumps(name))
            self.browser_js(url, code, login=LOGIN)
