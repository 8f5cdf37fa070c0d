"""A bounded load run against a running `serve.sh` server (`make load`).

Run by scripts/load.sh, which prepares the database (load_data.py), starts
the production-like server and stops it.  For --duration seconds, each
person of --users (load_data.py's file) works in a thread of his own, with
his own session and a pause of 1-3 s between steps, as a person at a screen:

* field reps: the web client's own calls over JSON-RPC - their order list
  (``web_search_read``), an order's form (``web_read``), the kanban's
  grouping by stage (``formatted_read_group``), their customers, a product
  search (``name_search``) and now and then a new quotation (``web_save``);
* head office: every order, grouped by salesperson, the overdue invoices,
  the customers;
* portal customers: ``/my``, Odoo's ``/my/orders`` and ``/my/invoices``, and
  the addon's pages: the statement and its PDF, complaints (list, one, the
  new-complaint form) and sales materials.

Before the measured window each portal customer opens his statement PDF once
(the addon renders it once per customer, day and content, and keeps it).

It reports per route the requests, errors, the client's p50/p95 and the
server's own time (SQL + Python, from the worker's request log line), and the
ratio of each addon portal page's server p95 to ``/my/orders``' in the same
run.  The ratio is asserted on the server's time: on a 2-core machine the
clients' threads share the CPU with the workers, and the client's time adds
their scheduling to every request.  It also reports the peak RSS of every
server process, and checks after the run that the quotations the reps saved
are there once each and that no order number is taken twice.

Exit status 1 if a request failed, a worker was killed or timed out, the log
has a traceback, a ratio exceeds --max-ratio, or a quotation is missing or
duplicated.
"""

import argparse
import json
import random
import re
import statistics
import sys
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).parent))
from serve_check import MB, WORKER_KILLED_RE, Monitor  # the same sampler and log check

# 127.0.0.1 - - [date] "GET /my/orders HTTP/1.1" 200 - 25 0.015 0.080
LOG_RE = re.compile(r'"(GET|POST) (\S+) HTTP/[\d.]+" (\d{3}) - (\d+) ([\d.]+) ([\d.]+)')
BASELINE = "/my/orders"
ADDON_PAGES = ("/my/statement", "/my/statement/pdf", "/my/complaints",
               "/my/complaints/<id>", "/my/complaints/new", "/my/materials")


def label(path):
    """The route of a request path: ids replaced, query dropped."""
    path = path.split("?", 1)[0]
    match = re.match(r"/web/dataset/call_kw/([\w.]+)/(\w+)", path)
    if match:
        return f"rpc {match.group(1)}.{match.group(2)}"
    return re.sub(r"/\d+", "/<id>", path)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Person(threading.Thread):
    def __init__(self, run, kind, person):
        super().__init__(daemon=True)
        self.run_, self.kind, self.person = run, kind, person
        self.session = requests.Session()
        self.random = random.Random(person["login"])
        self.saved = []
        self.complaints = []

    # ------------------------------------------------------------ transport
    def request(self, method, path, **kwargs):
        started = time.perf_counter()
        error = None
        try:
            resp = self.session.request(method, self.run_.url + path, timeout=150, **kwargs)
            if resp.status_code >= 400:
                error = f"{resp.status_code}"
            elif path.startswith("/web/dataset") or path.startswith("/web/session"):
                body = resp.json()
                if body.get("error"):
                    error = body["error"].get("data", {}).get("message") or str(body["error"])
            elif path.endswith("/pdf") and not resp.content.startswith(b"%PDF"):
                error = "not a PDF"
        except requests.RequestException as exc:
            resp, error = None, type(exc).__name__
        self.run_.record(label(path), time.perf_counter() - started, error)
        return resp if error is None else None

    def call(self, model, method, *args, **kwargs):
        resp = self.request("POST", f"/web/dataset/call_kw/{model}/{method}", json={
            "jsonrpc": "2.0", "method": "call",
            "params": {"model": model, "method": method, "args": list(args),
                       "kwargs": {"context": {"lang": "en_US"}, **kwargs}}})
        return resp and resp.json().get("result")

    def login(self):
        resp = self.request("POST", "/web/session/authenticate", json={
            "jsonrpc": "2.0", "method": "call",
            "params": {"db": self.run_.db, "login": self.person["login"],
                       "password": self.person["login"]}})
        return bool(resp)

    # ------------------------------------------------------------ steps
    def rep_steps(self):
        person, pick = self.person, self.random.choice
        spec = {"name": {}, "partner_id": {"fields": {"display_name": {}}},
                "amount_total": {}, "state": {}, "csp_stage_id": {"fields": {"display_name": {}}}}
        return [
            lambda: self.call("sale.order", "web_search_read", [], specification=spec,
                              limit=40, order="date_order desc"),
            lambda: self.call("sale.order", "web_read", [pick(person["orders"])],
                              specification={**spec, "order_line": {"fields": {
                                  "product_id": {"fields": {"display_name": {}}},
                                  "product_uom_qty": {}, "price_unit": {}}}}),
            lambda: self.call("sale.order", "formatted_read_group", [],
                              groupby=["csp_stage_id"], aggregates=["amount_total:sum"]),
            lambda: self.call("res.partner", "web_search_read",
                              [["customer_rank", ">", 0]], specification={
                                  "display_name": {}, "city": {}, "phone": {}}, limit=40),
            lambda: self.call("product.product", "name_search", name="p", limit=8),
            self.new_quotation,
        ]

    def new_quotation(self):
        person = self.person
        result = self.call("sale.order", "web_save", [], {
            "partner_id": self.random.choice(person["customers"]),
            "order_line": [[0, 0, {"product_id": self.random.choice(self.run_.users["products"]),
                                   "product_uom_qty": 1}]],
        }, specification={"name": {}})
        if result:
            self.saved.append(result[0]["id"])

    def head_office_steps(self):
        return [
            lambda: self.call("sale.order", "web_search_read", [], specification={
                "name": {}, "partner_id": {"fields": {"display_name": {}}},
                "user_id": {"fields": {"display_name": {}}}, "amount_total": {}}, limit=80),
            lambda: self.call("sale.order", "formatted_read_group", [["state", "=", "sale"]],
                              groupby=["user_id"], aggregates=["amount_total:sum"]),
            lambda: self.call("account.move", "web_search_read", [
                ["move_type", "=", "out_invoice"],
                ["payment_state", "in", ["not_paid", "partial"]]],
                specification={"name": {}, "invoice_date_due": {}, "amount_residual": {}},
                limit=80, order="invoice_date_due"),
            lambda: self.call("res.partner", "web_search_read", [["customer_rank", ">", 0]],
                              specification={"display_name": {}, "user_id": {}}, limit=80),
        ]

    def portal_steps(self):
        def complaint():
            if self.complaints:
                self.request("GET", f"/my/complaints/{self.random.choice(self.complaints)}")
        return [
            lambda: self.request("GET", "/my"),
            lambda: self.request("GET", BASELINE),
            lambda: self.request("GET", "/my/invoices"),
            lambda: self.request("GET", "/my/statement"),
            lambda: self.request("GET", "/my/statement/pdf"),
            lambda: self.request("GET", "/my/complaints"),
            complaint,
            lambda: self.request("GET", "/my/complaints/new"),
            lambda: self.request("GET", "/my/materials"),
        ]

    def run(self):
        try:
            if not self.login():
                return
            self.warm_up()
        finally:
            self.run_.warmed.release()
        self.run_.ready.wait()
        time.sleep(self.random.uniform(0, 2))
        while time.monotonic() < self.run_.deadline:
            self.random.choice(self.steps)()
            time.sleep(self.random.uniform(1, 3))

    def warm_up(self):
        self.steps = getattr(self, f"{self.kind}_steps")()
        if self.kind == "portal":
            resp = self.request("GET", "/my/complaints")
            self.complaints = sorted({int(m) for m in re.findall(
                rb"/my/complaints/(\d+)", resp.content if resp else b"")})
            self.request("GET", "/my/statement/pdf")   # the day's PDF, rendered once


class Run:
    def __init__(self, args):
        self.url, self.db = args.url, args.db
        self.users = json.loads(Path(args.users).read_text())
        self.lock = threading.Lock()
        self.samples = {}          # label -> [seconds] (measured window only)
        self.errors = {}           # label -> [message]
        self.ready = threading.Event()
        self.warmed = threading.Semaphore(0)   # released by each person once warmed up
        self.deadline = 0.0

    def record(self, route, seconds, error):
        with self.lock:
            if error:
                self.errors.setdefault(route, []).append(error)
            if self.ready.is_set():
                self.samples.setdefault(route, []).append(seconds)


def server_times(log_text, since_offset):
    """route -> [server seconds] from the request log lines after the warm-up."""
    times = {}
    for match in LOG_RE.finditer(log_text, since_offset):
        _method, path, _status, _queries, sql, rest = match.groups()
        times.setdefault(label(path), []).append(float(sql) + float(rest))
    return times


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--users", required=True)
    parser.add_argument("--duration", type=float, default=180)
    parser.add_argument("--main-pid", type=int, required=True)
    parser.add_argument("--report-pid", type=int, default=0)
    parser.add_argument("--main-log", required=True)
    parser.add_argument("--max-ratio", type=float, default=1.5)
    parser.add_argument("--dsn", default="", help="libpq connection string for the checks")
    return parser.parse_args()


def report_routes(run, server, duration):
    """The table per route; the errors as failures."""
    print(f"\n{'route':48} {'requests':>8} {'errors':>6} {'client p50':>10} {'client p95':>10} "
          f"{'server p50':>10} {'server p95':>10}")
    total = 0
    for route in sorted(run.samples):
        client = run.samples[route]
        total += len(client)
        times = server.get(route) or [0.0]
        print(f"{route:48} {len(client):8} {len(run.errors.get(route, [])):6} "
              f"{statistics.median(client) * 1000:8.0f}ms {percentile(client, .95) * 1000:8.0f}ms "
              f"{statistics.median(times) * 1000:8.0f}ms {percentile(times, .95) * 1000:8.0f}ms")
    errors = sum(len(v) for v in run.errors.values())
    print(f"{total} requests in {duration:.0f} s, {errors} errors")
    return [f"{len(messages)} errors on {route}: {sorted(set(messages))[:3]}"
            for route, messages in run.errors.items()]


def report_ratios(server, max_ratio):
    failures = []
    baseline = percentile(server.get(label(BASELINE)) or [0.0], .95)
    print(f"\nserver p95 of the addon's portal pages against Odoo's {BASELINE} "
          f"({baseline * 1000:.0f} ms):")
    for route in ADDON_PAGES:
        if route not in server:
            failures.append(f"{route} was not requested")
            continue
        ratio = percentile(server[route], .95) / baseline if baseline else float("inf")
        print(f"  {route:28} {ratio:5.2f}x  {'ok' if ratio <= max_ratio else 'TOO SLOW'}")
        if ratio > max_ratio:
            failures.append(f"{route}: p95 {ratio:.2f}x {BASELINE}'s")
    return failures


def report_server(args, monitor, log_text):
    """Workers killed, tracebacks, peak memory."""
    killed = [match.group(0) for match in WORKER_KILLED_RE.finditer(log_text)]
    tracebacks = log_text.count("Traceback (most recent call last)")
    print(f"\nworkers killed or timed out: {len(killed)}; tracebacks in the log: {tracebacks}")
    failures = [f"worker: {line}" for line in killed]
    if tracebacks:
        failures.append(f"{tracebacks} tracebacks in {args.main_log}")
    print("\npeak memory of the server's processes:")
    for kind, pid, rss, vms in monitor.rows(args.main_pid, log_text):
        print(f"  {kind:36} pid {pid:<7} RSS {rss / MB:6.0f} MB  virtual {vms / MB:6.0f} MB")
    return failures


def check_orders(dsn, saved):
    """The reps' quotations are there once each; no order number twice."""
    import psycopg2  # noqa: PLC0415

    with psycopg2.connect(dsn) as conn, conn.cursor() as cr:
        cr.execute("SELECT count(*) FROM sale_order WHERE id = ANY(%s)", [saved])
        found = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM (SELECT name FROM sale_order GROUP BY company_id, "
                   "name HAVING count(*) > 1) twice")
        twice = cr.fetchone()[0]
    print(f"\nquotations saved by the reps: {len(saved)}, in the database: {found}; "
          f"order numbers taken twice: {twice}")
    if found != len(set(saved)) or len(set(saved)) != len(saved) or twice:
        return ["quotations missing or duplicated"]
    return []


def main():
    args = parse_args()
    run = Run(args)
    monitor = Monitor(args.main_pid, args.report_pid)
    monitor.start()
    people = ([Person(run, "rep", p) for p in run.users["reps"]]
              + [Person(run, "head_office", p) for p in run.users["head_office"]]
              + [Person(run, "portal", p) for p in run.users["portal"]])
    for person in people:
        person.start()
    # The window starts once everyone has logged in and each customer's
    # statement PDF of the day is rendered (a second later, for the log).
    for _person in people:
        run.warmed.acquire(timeout=300)
    time.sleep(1)
    log_path = Path(args.main_log)
    offset = len(log_path.read_text(errors="replace"))
    run.deadline = time.monotonic() + args.duration
    print(f">> {len(people)} people for {args.duration:.0f} s "
          f"({len(run.users['reps'])} reps, {len(run.users['head_office'])} head office, "
          f"{len(run.users['portal'])} portal customers)", flush=True)
    run.ready.set()
    for person in people:
        person.join(args.duration + 200)
    monitor.stop_event.set()
    log_text = log_path.read_text(errors="replace")
    server = server_times(log_text, offset)
    failures = report_routes(run, server, args.duration)
    failures += report_ratios(server, args.max_ratio)
    failures += report_server(args, monitor, log_text)
    if args.dsn:
        failures += check_orders(args.dsn, [i for person in people for i in person.saved])
    if failures:
        print("\nmake load FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("\nmake load passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
