"""The outside-in layer: the addon as its users' clients reach a running
server.  Back-office users through the web client's JSON-RPC calls with
their own session, customers and approvers through the pages and the forms
they really post, without a session where they have none; every mail read
for who receives it, every download opened."""

import base64
import io
import json
import os
import re
import subprocess
import tempfile
from contextlib import contextmanager
from unittest.mock import patch

from lxml import etree
from openpyxl import load_workbook
from PIL import Image

from odoo.addons.base.models.ir_actions_report import IrActionsReport
from odoo.tests import HttpCase
from odoo.tools.pdf import PdfFileReader
from odoo.tools.safe_eval import safe_eval

CSRF_RE = re.compile(r'name="csrf_token"\s+value="([^"]+)"')


def pdf_text(content):
    """A PDF's text: its text layer, or, when it has none, its pages read
    the way a person reads them, by OCR (Debian's wkhtmltopdf draws the
    reports' web fonts as shapes): each page read by OCR unless every page
    has a text layer."""
    pages = len(PdfFileReader(io.BytesIO(content)).pages)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "file.pdf")
        with open(path, "wb") as file:
            file.write(content)
        text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True,
                              text=True, check=True).stdout
        # A real text layer on every page (pdftotext ends each with \f); a
        # page whose words are shapes (an SVG chart's labels may be text on
        # a page of shapes) is read by OCR.
        layers = text.split("\f")[:pages]
        if len(layers) == pages and all(
                len(re.findall(r"[^\W\d_]", layer)) > 20 for layer in layers):
            return text
        subprocess.run(["pdftoppm", "-r", "150", "-png", path, os.path.join(folder, "p")],
                       check=True)
        images = sorted(name for name in os.listdir(folder) if name.endswith(".png"))
        return text + "\n".join(subprocess.run(
            ["tesseract", os.path.join(folder, image), "-"], capture_output=True,
            text=True, check=True).stdout for image in images)


def real_pdfs(case):
    """Reports render real PDFs for the rest of `case`'s test.  Odoo answers
    them with HTML while tests run (wkhtmltopdf could not reach a test
    server); this server can, so users get real PDFs."""
    render = IrActionsReport._render_qweb_pdf

    def render_pdf(report, *args, **kwargs):
        return render(report.with_context(force_report_rendering=True), *args, **kwargs)

    case.startPatcher(patch.object(IrActionsReport, "_render_qweb_pdf", render_pdf))


class OutsideCase(HttpCase):
    """Helpers to drive the server as its clients do.  `as_user` logs in
    (the demo users' password is their login), `as_public` logs out."""

    def setUp(self):
        super().setUp()
        real_pdfs(self)
        self.login = None

    # ------------------------------------------------------------ sessions

    def as_user(self, user):
        if self.login != user.login:
            self.authenticate(user.login, user.login)
            self.login = user.login
        return self

    @contextmanager
    def as_user_at(self, user, moment):
        """`user`'s session at `moment`, with time frozen there (`at`): a
        new session, dropped after, since one of another date has expired."""
        self.login = None
        with self.at(moment):
            yield self.as_user(user)
        self.login = None

    def as_public(self):
        self.authenticate(None, None)
        self.login = None
        return self

    # ------------------------------------------------------ the web client

    def call(self, model, method, *args, context=None, **kwargs):
        """`model.method(*args, **kwargs)` through /web/dataset/call_kw, as
        the web client calls it."""
        if context is not None:
            kwargs["context"] = context
        return self.make_jsonrpc_request(f"/web/dataset/call_kw/{model}/{method}", {
            "model": model, "method": method, "args": list(args), "kwargs": kwargs},
            timeout=120)

    def button(self, record, method, context=None):
        """A button of type object, as the form view calls it."""
        return self.make_jsonrpc_request(
            f"/web/dataset/call_button/{record._name}/{method}", {
                "model": record._name, "method": method, "args": [record.ids],
                "kwargs": {"context": context or {}}}, timeout=120)

    def _refused(self, route, model, method, args, kwargs):
        """A JSON-RPC request that must fail: the error's class and the
        message the user reads in his language (as the web client's dialog
        shows it)."""
        response = self.url_open(
            f"/web/dataset/{route}/{model}/{method}", data=json.dumps({
                "jsonrpc": "2.0", "method": "call", "id": 1, "params": {
                    "model": model, "method": method, "args": args, "kwargs": kwargs}}),
            headers={"Content-Type": "application/json"}, timeout=120)
        error = response.json().get("error")
        self.assertTrue(error, f"{model}.{method} was not refused")
        return error["data"]["name"], error["data"]["message"]

    def refused(self, record, method, context=None):
        """A button that must fail, as `_refused`."""
        return self._refused("call_button", record._name, method, [record.ids],
                             {"context": context or {}})

    def refused_call(self, model, method, *args, **kwargs):
        """A call that must fail, as `_refused`."""
        return self._refused("call_kw", model, method, list(args), kwargs)

    def refused_save(self, model, values, record_id=None):
        """A form's save that must fail, as `refused_call`."""
        return self.refused_call(model, "web_save", [record_id] if record_id else [], values,
                                 specification={"display_name": {}})

    def save(self, model, values, record_id=None, context=None, specification=None):
        """The form's save: `web_save`, answering the record's id."""
        records = self.call(model, "web_save", [record_id] if record_id else [], values,
                            specification=specification or {"display_name": {}},
                            context=context or {})
        return records[0]["id"]

    def action(self, xmlid):
        return self.make_jsonrpc_request("/web/action/load", {"action_id": xmlid})

    def defaults(self, model, context=None):
        """What a new form holds before the user types: `onchange` with the
        form view's fields, as the web client opens a dialog; only what it
        sends back on save (no read-only field)."""
        spec = self.view_spec(model, "form")
        values = self.call(model, "onchange", [], {}, [], spec, context=context or {})["value"]
        readonly = self.call(model, "fields_get", list(values), ["readonly"])
        return {name: value for name, value in values.items()
                if not readonly.get(name, {}).get("readonly")}

    def wizard(self, action, values, button, context=None):
        """A dialog opened by `action` (an action dict or an xmlid), filled
        with `values` (or by `values(defaults)`, which edits what the form
        shows) and closed by its `button`: the button's answer."""
        if isinstance(action, str):
            action = self.action(action)
        own = action.get("context") or {}
        if isinstance(own, str):  # as the client evaluates it
            own = safe_eval(own, {"uid": self.session.uid, "context": context or {},
                                  "active_id": (context or {}).get("active_id")})
        context = dict(own, **(context or {}))
        model = action["res_model"]
        defaults = self.defaults(model, context)
        values = values(defaults) if callable(values) else dict(defaults, **values)
        record_id = self.save(model, values, record_id=action.get("res_id"), context=context)
        return self.button(self.env[model].browse(record_id), button, context=context)

    def view_spec(self, model, view_type="form", view_id=False):
        """The `specification` the web client reads a record with: the
        fields of the view as the server gives it to this user (fields of
        groups he lacks are already gone), sub-views' fields for x2many."""
        views = self.call(model, "get_views", [[view_id, view_type]], context={})
        arch = etree.fromstring(views["views"][view_type]["arch"])

        def spec(node):
            fields = {}
            for field in node.iter("field"):
                parent = field.getparent()
                while parent is not None and parent is not node and parent.tag != "field":
                    parent = parent.getparent()
                if parent is not node and parent is not None:
                    continue  # a sub-view's field: read with its x2many
                sub = {}
                inner = [child for child in field if child.tag in ("list", "kanban", "form")]
                if inner:
                    sub = {"fields": spec(inner[0])}
                fields[field.get("name")] = sub
            return fields

        return spec(arch)

    def open(self, record, view_type="form", view_id=False):
        """The record as its form (or other view) shows it to this user."""
        spec = self.view_spec(record._name, view_type, view_id)
        return self.call(record._name, "web_read", record.ids, specification=spec)[0]

    def download_report(self, action):
        """A report action's file, fetched as the web client does: a POST of
        the report's URL to /report/download with the session's CSRF token."""
        self.assertEqual(action["type"], "ir.actions.report")
        ids = ",".join(map(str, action["context"]["active_ids"]))
        kind = action["report_type"]
        url = f"/report/{kind.split('-')[1]}/{action['report_name']}/{ids}"
        token = re.search(r'csrf_token: "([^"]+)"', self.get("/odoo").text).group(1)
        return self.post("/report/download", {
            "data": json.dumps([url, kind]), "context": json.dumps(action["context"]),
            "csrf_token": token})

    def search_read(self, model, domain, fields, **kwargs):
        result = self.call(model, "web_search_read", domain,
                           specification={name: {} for name in fields}, **kwargs)
        return result["records"]

    # --------------------------------------------------------------- pages

    def get(self, url, status=200, **kwargs):
        response = self.url_open(url, timeout=120, allow_redirects=True, **kwargs)
        self.assertEqual(response.status_code, status, f"GET {url}: {response.text[:500]}")
        return response

    def post(self, url, data, status=200, files=None):
        response = self.url_open(url, data=data, files=files, timeout=120)
        self.assertEqual(response.status_code, status, f"POST {url}: {response.text[:500]}")
        return response

    def csrf(self, html):
        found = CSRF_RE.search(html)
        self.assertTrue(found, "the page has no form to post")
        return found.group(1)

    # ----------------------------------------------------------- the mails

    def mails(self, text):
        """The mails whose body holds `text`, newest first."""
        return self.env["mail.mail"].sudo().search([("body_html", "ilike", text)],
                                                    order="id desc")

    def assertMailedTo(self, mails, partner):
        """Each mail goes to `partner` and nobody else."""
        self.assertTrue(mails, f"no mail for {partner.name}")
        for mail in mails:
            self.assertEqual(mail.recipient_ids, partner,
                             f"{mail.subject}: {mail.recipient_ids.mapped('name')}")
            self.assertFalse(mail.email_to and partner.email not in mail.email_to,
                             f"{mail.subject}: to {mail.email_to}")
            self.assertFalse(mail.email_cc, f"{mail.subject}: cc {mail.email_cc}")

    def link(self, mail, pattern):
        found = re.search(pattern, mail.body_html or "")
        self.assertTrue(found, f"{mail.subject}: no link {pattern}")
        return found.group(0).replace("&amp;", "&")

    # ------------------------------------------------------------ the files

    def pdf_text(self, response):
        """The downloaded PDF's text, after checking it is one."""
        self.assertEqual(response.headers.get("Content-Type", "").split(";")[0],
                         "application/pdf", response.text[:300])
        self.assertTrue(response.content.startswith(b"%PDF"), response.content[:100])
        self.assertGreater(len(PdfFileReader(io.BytesIO(response.content)).pages), 0)
        return pdf_text(response.content)

    def xlsx_rows(self, response):
        book = load_workbook(io.BytesIO(response.content))
        return {sheet: [row for row in book[sheet].iter_rows(values_only=True)]
                for sheet in book.sheetnames}

    @staticmethod
    def png_bytes(size=(120, 40)):
        buffer = io.BytesIO()
        Image.new("RGB", size, "white").save(buffer, format="PNG")
        return buffer.getvalue()

    def signature(self):
        """A drawn signature as the portal's signature widget posts it."""
        return base64.b64encode(self.png_bytes()).decode()
