"""Screenshots of what each user sees, from a running server (`make screenshots`).

Each shot logs in as its user (JSON-RPC /web/session/authenticate), opens a
page in headless Chromium at the user's real size (a rep's phone: 375x667,
touch; head office: 1440x900), waits until the page shows what it must show
(a CSS selector), and saves a PNG.  Run against `make demo`'s database, so
the pictures in the README stay true to the code.

The first page of each of the addon's PDFs is rendered the same way: the
user downloads it (/report/pdf/...) and pdftoppm draws its first page.

    screenshots.py [--url http://127.0.0.1:8069] [--db csp_demo] [--out docs/screenshots]
                   [--only NAME ...]
"""

import argparse
import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import websocket

PHONE = (375, 667, True)
DESKTOP = (1440, 900, False)

# (name, login, path, size, selector that must be on screen, selector to tap first or None)
SHOTS = [
    ("rep-home", "rep1", "/odoo", PHONE, ".o_csp_my_work", None),
    ("rep-materials", "rep1", "/odoo/action-customer_service_process.action_my_materials",
     PHONE, ".o_kanban_renderer, .o_view_nocontent", None),
    ("rep-deliveries", "rep1", "/odoo/action-customer_service_process.action_my_deliveries",
     PHONE, ".o_kanban_renderer, .o_view_nocontent", None),
    ("rep-quotation", "rep1", "/odoo/action-customer_service_process.action_my_quotations",
     PHONE, ".o_kanban_record", None),
    ("rep-quotation-form", "rep1",
     "/odoo/action-customer_service_process.action_my_quotations/"
     "{customer_service_process.order_aquatech_2}", PHONE, ".o_form_view .o_csp_process_bar",
     None),
    ("rep-order-form", "rep1",
     "/odoo/action-customer_service_process.action_my_quotations/"
     "{customer_service_process.order_hydrobud_2}", PHONE, ".o_form_view .o_csp_process_bar",
     None),
    ("rep-order-process", "rep1",
     "/odoo/action-customer_service_process.action_my_quotations/"
     "{customer_service_process.order_hydrobud_2}", PHONE, ".o_form_view .o_csp_process_bar",
     "a[name=customer_process]"),
    ("rep-figures", "rep1", "/odoo/action-customer_service_process.action_my_figures",
     PHONE, ".o_csp_my_figures .o_kanban_record", None),
    ("rep-feasibility", "rep1",
     "/odoo/action-customer_service_process.action_my_quotations/"
     "{customer_service_process.order_aquatech_2}", PHONE,
     ".o_form_view button[name=action_csp_check_feasibility]",
     ".o_form_view button[name=action_csp_check_feasibility]"),
    ("rep-complaint-new", "rep1", "/odoo/action-customer_service_process.action_csp_complaint/new",
     PHONE, ".o_form_view", None),
    ("head-office-orders", "headoffice", "/odoo/action-sale.action_orders", DESKTOP,
     ".o_list_renderer", None),
    ("head-office-inquiries", "headoffice",
     "/odoo/action-customer_service_process.action_csp_inquiries", DESKTOP,
     ".o_list_renderer", None),
    ("head-of-sales-workload", "manager",
     "/odoo/action-customer_service_process.action_csp_workload", DESKTOP, ".o_csp_workload",
     None),
    ("head-of-sales-workload-phone", "manager",
     "/odoo/action-customer_service_process.action_csp_workload", PHONE, ".o_csp_workload",
     None),
    ("head-of-sales-funnel", "manager",
     "/odoo/action-customer_service_process.action_csp_funnel", DESKTOP, ".o_pivot", None),
    ("head-of-sales-card-matrix", "manager",
     "/odoo/action-customer_service_process.action_csp_process/"
     "{customer_service_process.process_offer_to_acceptance}", DESKTOP, ".o_form_view",
     "a[name=steps]"),
    ("head-of-sales-card-targets", "manager",
     "/odoo/action-customer_service_process.action_csp_process/"
     "{customer_service_process.process_customer_service}", DESKTOP, ".o_form_view",
     "a[name=metrics]"),
    ("head-of-sales-process-figures", "manager",
     "/odoo/action-customer_service_process.action_csp_process_figure", DESKTOP, ".o_pivot",
     None),
    ("head-of-sales-dashboard", "manager",
     "/odoo/dashboards?dashboard_id={customer_service_process.dashboard_process_targets}",
     DESKTOP, ".o_spreadsheet_dashboard_action .o-grid", None),
    ("head-of-sales-dashboard-phone", "manager",
     "/odoo/dashboards?dashboard_id={customer_service_process.dashboard_process_targets}",
     PHONE, ".o_spreadsheet_dashboard_action", None),
    ("customer-portal", "customer", "/my", DESKTOP, ".o_portal_my_home", None),
    ("customer-portal-phone", "customer", "/my", PHONE, ".o_portal_my_home", None),
    ("customer-complaints-phone", "customer", "/my/complaints", PHONE, ".o_portal_wrap", None),
    ("customer-statement", "customer", "/my/statement", DESKTOP, ".o_portal_wrap", None),
]

# (name, login, report, how the record is found: (model, domain) or "kpi" for
# a management report of last month made as that user)
PDFS = [
    ("pdf-management-report", "manager", "customer_service_process.report_kpi", "kpi"),
    ("pdf-process-card", "manager", "customer_service_process.report_process_card",
     ("csp.process", [])),
    ("pdf-customer-statement", "accountant", "customer_service_process.report_customer_statement",
     ("res.partner", [("name", "=", "FarmWater Irrigation")])),
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def resolve(url, db, path):
    """`path` with each {module.name} replaced by that record's id."""
    if "{" not in path:
        return path
    session = login(url, db, "admin")
    for xmlid in re.findall(r"\{([\w.]+)\}", path):
        module, name = xmlid.split(".", 1)
        rows = rpc(url, session, "ir.model.data", "search_read",
                   [[("module", "=", module), ("name", "=", name)]], kwargs={"fields": ["res_id"]})
        if not rows:
            raise SystemExit(f"{xmlid}: no such record in the demo")
        path = path.replace(f"{{{xmlid}}}", str(rows[0]["res_id"]))
    return path


def record_id(url, session, record):
    """The id of the record a PDF is printed for, as its user finds it."""
    if record == "kpi":
        today = time.localtime()
        year, month = (today.tm_year, today.tm_mon - 1) if today.tm_mon > 1 else (
            today.tm_year - 1, 12)
        last = (time.mktime((year + month // 12, month % 12 + 1, 1, 0, 0, 0, 0, 0, -1))
                - 86400)
        return rpc(url, session, "csp.kpi.report", "create", [{
            "date_from": f"{year}-{month:02d}-01",
            "date_to": time.strftime("%Y-%m-%d", time.localtime(last))}], kwargs={})
    model, domain = record
    rows = rpc(url, session, model, "search_read", [domain],
               kwargs={"fields": ["id"], "limit": 1})
    if not rows:
        raise SystemExit(f"no {model} {domain} in the demo")
    return rows[0]["id"]


def pdf_page(url, session, report, res_id, target):
    """The first page of the PDF `report` of `res_id`, as a PNG."""
    request = urllib.request.Request(f"{url}/report/pdf/{report}/{res_id}",
                                      headers={"Cookie": f"session_id={session}"})
    with urllib.request.urlopen(request, timeout=300) as response, \
            tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "report.pdf"
        pdf.write_bytes(response.read())
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                        str(pdf), str(Path(folder) / "page")], check=True)
        shutil.move(str(Path(folder) / "page.png"), target)


def rpc(url, session, model, method, args, *, kwargs):
    payload = json.dumps({"jsonrpc": "2.0", "method": "call", "params": {
        "model": model, "method": method, "args": args, "kwargs": kwargs}}).encode()
    request = urllib.request.Request(f"{url}/web/dataset/call_kw", payload, {
        "Content-Type": "application/json", "Cookie": f"session_id={session}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        body = json.loads(response.read())
    if body.get("error"):
        raise SystemExit(f"{model}.{method}: {body['error']['data']['message']}")
    return body["result"]


def login(url, db, user):
    """A session cookie of `user` (password = login, as in the demo)."""
    payload = json.dumps({"jsonrpc": "2.0", "method": "call", "params": {
        "db": db, "login": user, "password": user}}).encode()
    request = urllib.request.Request(f"{url}/web/session/authenticate", payload,
                                     {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        body = json.loads(response.read())
        if body.get("error"):
            raise SystemExit(f"{user} cannot log in: {body['error']['data']['message']}")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("session_id="):
                return value.split(";")[0].split("=", 1)[1]
    raise SystemExit(f"{user}: no session cookie")


class Browser:
    """One headless Chromium page driven over the DevTools protocol."""

    def __init__(self):
        binary = shutil.which("chromium") or shutil.which("chromium-browser") \
            or shutil.which("google-chrome")
        if not binary:
            raise SystemExit("no Chromium on this machine")
        self.port = free_port()
        self.profile = tempfile.mkdtemp(prefix="csp-shots-")
        self.process = subprocess.Popen([
            binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            f"--remote-debugging-port={self.port}", f"--user-data-dir={self.profile}",
            "--lang=en-US", "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/list") as r:
                    pages = [t for t in json.loads(r.read()) if t["type"] == "page"]
                if pages:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        else:
            raise SystemExit("Chromium did not start")
        self.ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=60,
                                              suppress_origin=True)
        self.ids = 0

    def send(self, method, **params):
        self.ids += 1
        self.ws.send(json.dumps({"id": self.ids, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.ids:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def shoot(self, url, session, size, selector, path, *, tap=None):
        width, height, mobile = size
        host = url.split("//", 1)[1].split("/", 1)[0].split(":")[0]
        self.send("Network.enable")
        self.send("Network.clearBrowserCookies")
        self.send("Network.setCookie", name="session_id", value=session, domain=host, path="/")
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=2 if mobile else 1, mobile=mobile)
        self.send("Emulation.setTouchEmulationEnabled", enabled=mobile)
        self.send("Page.navigate", url=url)
        deadline = time.monotonic() + 60
        found = False
        while time.monotonic() < deadline:
            found = self.evaluate(f"!!document.querySelector({json.dumps(selector)})")
            if found:
                break
            time.sleep(0.25)
        if found and tap:
            self.evaluate(f"document.querySelector({json.dumps(tap)}).click()")
            time.sleep(1)
        # Let the web client finish its animations and lazy images.
        time.sleep(1.5)
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        return found

    def close(self):
        try:
            self.ws.close()
        finally:
            self.process.terminate()
            self.process.wait(10)
            shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=f"http://127.0.0.1:{os.environ.get('DEMO_PORT', '8069')}")
    parser.add_argument("--db", default=os.environ.get("DEMO_DB", "csp_demo"))
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent.parent
                                             / "docs" / "screenshots"))
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--tall", type=int, default=0,
                        help="a taller screen (pixels) to review a whole form at once")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    sessions = {}
    browser = Browser()
    missing = []
    try:
        for name, user, page, screen, selector, tap in SHOTS:
            if args.only and name not in args.only:
                continue
            if user not in sessions:
                sessions[user] = login(args.url, args.db, user)
            target = out / f"{name}.png"
            path = resolve(args.url, args.db, page)
            size = (screen[0], args.tall, screen[2]) if args.tall else screen
            if not browser.shoot(args.url + path, sessions[user], size, selector, target,
                                 tap=tap):
                missing.append(f"{name}: no {selector} on {path}")
            print(f"{target} ({user}, {size[0]}x{size[1]})")
        for name, user, report, record in PDFS:
            if args.only and name not in args.only:
                continue
            if user not in sessions:
                sessions[user] = login(args.url, args.db, user)
            target = out / f"{name}.png"
            pdf_page(args.url, sessions[user], report, record_id(args.url, sessions[user], record),
                     target)
            print(f"{target} ({user}, page 1 of {report})")
    finally:
        browser.close()
    if missing:
        print("\n".join(missing), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
