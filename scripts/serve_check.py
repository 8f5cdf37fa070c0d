"""Check a running `serve.sh` server as production would stress it.

Run by scripts/serve_check.sh (which starts and stops the servers) with the
venv's Python.  Over at least --observe seconds it:

- watches the websocket (gevent) process: one pid for the whole run, its
  ``/websocket/health`` answering, a websocket opened with a user's session
  staying open, and no ``DistributionNotFound`` or restart in the log;
- logs in as a user (``/web/session/authenticate``) and renders --pdfs PDFs at
  the same moment over HTTP (customer statements and an invoice), while a
  probe requests ``/web/login`` every half second;
- asserts every PDF is a PDF and took at most --bound seconds, every probe
  answered within --plain-bound seconds, no worker was killed, and (with a
  report-assets server) that wkhtmltopdf fetched its assets there and not from
  the workers;
- prints the timings and the peak memory of every process of the servers.

Exit status 0 when every check passed, 1 otherwise.
"""

import argparse
import json
import re
import sys
import threading
import time
from pathlib import Path

import psutil
import requests
import websocket

MB = 1024 * 1024
# What wkhtmltopdf fetches: CSS bundles, fonts, images.
# A worker Odoo killed in the middle of a request: the real-time limit
# ("WorkerHTTP (123) timeout after 120s") or the CPU limit.
WORKER_KILLED_RE = re.compile(r"\w+ \(\d+\) timeout after \d+s"
                              r"|Worker \(\d+\) CPU time limit \([^)]*\) reached")
ASSET_RE = re.compile(r'"GET /(web/assets|web/static|web/image|logo)[^"]*" (\d{3})')
WEBSOCKET_VERSION = "19.0-2"  # bus.websocket.WebsocketConnectionHandler._VERSION


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--gevent-port", type=int, required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--main-pid", type=int, required=True)
    parser.add_argument("--report-pid", type=int, default=0)
    parser.add_argument("--main-log", required=True)
    parser.add_argument("--report-log", default="")
    parser.add_argument("--login", default="accountant")
    parser.add_argument("--password", default=None)
    parser.add_argument("--pdfs", type=int, default=3)
    parser.add_argument("--bound", type=float, default=30.0)
    parser.add_argument("--plain-bound", type=float, default=10.0)
    parser.add_argument("--observe", type=float, default=20.0)
    parser.add_argument("--request-timeout", type=float, default=150.0)
    return parser.parse_args()


class Monitor(threading.Thread):
    """Samples the process trees of the servers: peak RSS/VMS per process."""

    def __init__(self, main_pid, report_pid, interval=0.2):
        super().__init__(daemon=True)
        self.roots = {"main": main_pid, "report": report_pid}
        self.interval = interval
        self.peak = {}       # pid -> {"rss", "vms", "kind", "parent"}
        self.gevent_pids = set()
        self.stop_event = threading.Event()

    @staticmethod
    def kind(root, proc):
        try:
            cmd = proc.cmdline()
        except psutil.Error:
            return None
        if "wkhtmltopdf" in (Path(cmd[0]).name if cmd else proc.name()):
            return "wkhtmltopdf"
        if root == "report":
            return "report-assets server"
        if len(cmd) > 2 and cmd[2] == "gevent":   # python odoo-bin gevent ...
            return "gevent (websocket)"
        return "main"

    def sample(self):
        for root, pid in self.roots.items():
            if not pid:
                continue
            try:
                top = psutil.Process(pid)
                procs = [top, *top.children(recursive=True)]
            except psutil.Error:
                continue
            for proc in procs:
                kind = self.kind(root, proc)
                try:
                    mem = proc.memory_info()
                    parent = proc.ppid()
                except psutil.Error:
                    continue
                if kind is None:
                    continue
                if kind == "gevent (websocket)":
                    self.gevent_pids.add(proc.pid)
                entry = self.peak.setdefault(
                    proc.pid, {"rss": 0, "vms": 0, "kind": kind, "parent": parent})
                entry["rss"] = max(entry["rss"], mem.rss)
                entry["vms"] = max(entry["vms"], mem.vms)

    def run(self):
        while not self.stop_event.is_set():
            self.sample()
            time.sleep(self.interval)

    def rows(self, main_pid, main_log_text):
        """(role, pid, peak rss, peak vms), roles of workers from the log."""
        roles = {}
        for match in re.finditer(r"Worker (WorkerHTTP|WorkerCron) \((\d+)\) alive",
                                 main_log_text):
            roles[int(match.group(2))] = {"WorkerHTTP": "HTTP worker",
                                          "WorkerCron": "cron worker"}[match.group(1)]
        rows = []
        for pid, entry in self.peak.items():
            kind = entry["kind"]
            if kind == "main":
                if pid != main_pid and pid not in roles:
                    continue     # a worker's fork caught before it became wkhtmltopdf
                kind = "main server" if pid == main_pid else roles[pid]
            elif kind == "wkhtmltopdf":
                parent = entry["parent"]
                kind = f"wkhtmltopdf (of {roles.get(parent, f'pid {parent}')})"
            if entry["rss"]:     # not a process caught between fork and exec
                rows.append((kind, pid, entry["rss"], entry["vms"]))
        return sorted(rows)


def jsonrpc(session, url, params, timeout=30):
    resp = session.post(url, json={"jsonrpc": "2.0", "method": "call", "params": params},
                        timeout=timeout)
    resp.raise_for_status()
    body = resp.json()
    if body.get("error"):
        error = body["error"]
        raise RuntimeError(f"{url}: {error.get('data', {}).get('message') or error}")
    return body["result"]


def search(session, base, model, domain, limit):
    return jsonrpc(session, f"{base}/web/dataset/call_kw/{model}/search",
                   {"model": model, "method": "search", "args": [domain],
                    "kwargs": {"limit": limit, "order": "id"}})


def login_and_pick(args):
    """A logged-in session and the PDFs to render: statements and an invoice."""
    session = requests.Session()
    uid = jsonrpc(session, f"{args.url}/web/session/authenticate",
                  {"db": args.db, "login": args.login,
                   "password": args.password or args.login})["uid"]
    print(f">> logged in as {args.login} (uid {uid})")
    partners = search(session, args.url, "res.partner",
                      [["customer_rank", ">", 0], ["is_company", "=", True]],
                      max(args.pdfs - 1, 1))
    invoices = search(session, args.url, "account.move",
                      [["move_type", "=", "out_invoice"], ["state", "=", "posted"]], 1)
    jobs = [("customer_service_process.report_customer_statement", pid, "statement")
            for pid in partners]
    jobs += [("account.report_invoice", move_id, "invoice") for move_id in invoices]
    return session, (jobs * args.pdfs)[:args.pdfs]


class Websocket(threading.Thread):
    """A websocket on the gevent port with the user's session, subscribed and
    read continuously (reading answers the server's pings, as a browser does)."""

    def __init__(self, args, session):
        super().__init__(daemon=True)
        cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
        self.error = None
        self.messages = 0
        self.closing = False
        try:
            self.ws = websocket.create_connection(
                f"ws://127.0.0.1:{args.gevent_port}/websocket?version={WEBSOCKET_VERSION}",
                cookie=cookie, timeout=5, origin=args.url)
            self.ws.send(json.dumps({"event_name": "subscribe",
                                     "data": {"channels": [], "last": 0}}))
        except (websocket.WebSocketException, OSError) as exc:
            self.ws, self.error = None, repr(exc)

    def run(self):
        while self.ws is not None and not self.closing:
            try:
                self.ws.recv()
                self.messages += 1
            except websocket.WebSocketTimeoutException:
                continue
            except (websocket.WebSocketException, OSError) as exc:
                if not self.closing:
                    self.error = f"closed by the server: {exc!r}"
                return

    def close(self):
        """Whether it was still open; then close it."""
        if self.ws is None:
            return False
        still_open = self.ws.connected and self.error is None and self.is_alive()
        self.closing = True
        self.ws.close()
        self.join(10)
        return still_open


def render_at_once(args, session, jobs):
    """Fetch every PDF of `jobs` at the same moment; probe /web/login meanwhile."""
    results = [None] * len(jobs)
    probes = []
    barrier = threading.Barrier(len(jobs) + 1)
    done = threading.Event()

    def render(i, report, res_id, label):
        own = requests.Session()
        own.cookies.update(session.cookies)
        barrier.wait()
        t0 = time.monotonic()
        result = {"label": f"{label} {res_id}", "bytes": 0, "pdf": False}
        try:
            resp = own.get(f"{args.url}/report/pdf/{report}/{res_id}",
                           timeout=args.request_timeout)
            result.update(status=resp.status_code, bytes=len(resp.content),
                          pdf=resp.content[:5] == b"%PDF-")
        except requests.RequestException as exc:
            result["status"] = type(exc).__name__
        result["seconds"] = time.monotonic() - t0
        results[i] = result

    def probe():
        barrier.wait()
        while not done.is_set():
            t0 = time.monotonic()
            try:
                status = requests.get(f"{args.url}/web/login",
                                      timeout=args.request_timeout).status_code
            except requests.RequestException as exc:
                status = type(exc).__name__
            probes.append((time.monotonic() - t0, status))
            done.wait(0.5)

    renders = [threading.Thread(target=render, args=(i, *job)) for i, job in enumerate(jobs)]
    prober = threading.Thread(target=probe)
    print(f">> rendering {len(jobs)} PDFs at once on {args.url}, probing /web/login meanwhile")
    for thread in [*renders, prober]:
        thread.start()
    t_all = time.monotonic()
    for thread in renders:
        thread.join()
    wall = time.monotonic() - t_all
    done.set()
    prober.join()
    return results, probes, wall


def websocket_health(args):
    try:
        resp = requests.get(f"http://127.0.0.1:{args.gevent_port}/websocket/health", timeout=10)
        return resp.status_code == 200 and resp.json().get("status") == "pass"
    except (requests.RequestException, ValueError):
        return False


def print_results(results, probes, wall):
    print("\nPDFs rendered at the same time:")
    for res in results:
        print(f"  {res['label']:<20} {res['seconds']:6.2f} s  HTTP {res['status']}  "
              f"{res['bytes']:>8} bytes{'' if res['pdf'] else '  NOT A PDF'}")
    print(f"  all {len(results)} done in {wall:.2f} s")
    latencies = sorted(p[0] for p in probes)
    if latencies:
        print(f"\n/web/login meanwhile: {len(probes)} requests, max {latencies[-1]:.2f} s, "
              f"median {latencies[len(latencies) // 2]:.2f} s")


class Checks:
    def __init__(self):
        self.failures = []

    def __call__(self, ok, what):
        print(f"  [{'ok' if ok else 'FAIL'}] {what}")
        if not ok:
            self.failures.append(what)


def run_checks(args, run, logs, monitor):
    """Print and count every check; return the number that failed."""
    check = Checks()
    results, probes = run["results"], run["probes"]
    main_text, new_main, new_report = logs
    print("\nChecks:")
    check(all(r["pdf"] and r["status"] == 200 for r in results),
          f"{len(results)} PDFs rendered (HTTP 200, a PDF each)")
    slowest = max(r["seconds"] for r in results)
    check(slowest <= args.bound, f"each PDF within {args.bound:.0f} s (slowest {slowest:.2f} s)")
    slowest_probe = max((t for t, _s in probes), default=float("inf"))
    check(bool(probes) and all(s == 200 for _t, s in probes) and slowest_probe <= args.plain_bound,
          f"/web/login answered within {args.plain_bound:.0f} s while rendering "
          f"(slowest {slowest_probe:.2f} s)")
    check(not WORKER_KILLED_RE.search(new_main),
          "no worker killed (no 'timeout after' or CPU time limit in the log)")
    check(len(monitor.gevent_pids) == 1,
          f"one websocket (gevent) process over {run['observed']:.0f} s "
          f"(pids seen: {sorted(monitor.gevent_pids) or 'none'})")
    starts = main_text.count("Evented Service (longpolling) running")
    check(starts == 1, f"the gevent process started once ({starts} in the log)")
    check("DistributionNotFound" not in main_text, "no DistributionNotFound in the log")
    check(run["health"], '/websocket/health answers {"status": "pass"}')
    check(run["ws_open"], f"a websocket with the user's session stayed open "
                          f"({run['ws_error'] or 'ok'})")
    main_assets = ASSET_RE.findall(new_main)
    if args.report_pid:
        report_assets = ASSET_RE.findall(new_report)
        served = [a for a in report_assets if a[1] in ("200", "304")]
        check(bool(served) and len(served) == len(report_assets),
              f"wkhtmltopdf fetched its assets from the report-assets server "
              f"({len(served)} of {len(report_assets)} requests answered 200/304)")
        check(not main_assets, f"no asset request reached the workers ({len(main_assets)})")
    else:
        print(f"  [info] no report-assets server: {len(main_assets)} asset requests "
              "went to the workers")
    warnings = re.findall(r"(?:WARNING|ERROR) .*[Ww]khtmltopdf.*", new_main)
    check(not warnings, "no wkhtmltopdf warning or error in the log"
          + (f" ({len(warnings)}, first: {warnings[0][:200]})" if warnings else ""))
    return len(check.failures)


def main():
    args = parse_args()
    main_log = Path(args.main_log)
    report_log = Path(args.report_log) if args.report_log else None
    log_starts = (main_log.stat().st_size, report_log.stat().st_size if report_log else 0)
    started = time.monotonic()
    monitor = Monitor(args.main_pid, args.report_pid)
    monitor.start()

    session, jobs = login_and_pick(args)
    ws = Websocket(args, session)
    ws.start()
    results, probes, wall = render_at_once(args, session, jobs)
    remaining = args.observe - (time.monotonic() - started)
    if remaining > 0:
        print(f">> watching the websocket process {remaining:.0f} s more")
        time.sleep(remaining)
    health = websocket_health(args)
    ws_open = ws.close()
    monitor.stop_event.set()
    monitor.join()
    run = {"results": results, "probes": probes, "health": health, "ws_open": ws_open,
           "ws_error": ws.error, "observed": time.monotonic() - started}

    main_text = main_log.read_text(errors="replace")
    logs = (main_text, main_text[log_starts[0]:],
            report_log.read_text(errors="replace")[log_starts[1]:] if report_log else "")
    print_results(results, probes, wall)
    rows = monitor.rows(args.main_pid, main_text)
    print(f"\nPeak memory over {run['observed']:.0f} s (sampled every {monitor.interval} s):")
    for kind, pid, rss, vms in rows:
        print(f"  {kind:<34} pid {pid:<8} RSS {rss / MB:7.1f} MB   VMS {vms / MB:7.1f} MB")
    worker_rss = [rss for kind, _pid, rss, _vms in rows if kind in ("HTTP worker", "cron worker")]
    if worker_rss:
        print(f"  peak RSS of a worker: {max(worker_rss) / MB:.0f} MB")

    failed = run_checks(args, run, logs, monitor)
    if failed:
        print(f"\nserve-check FAILED: {failed} check(s)")
        return 1
    print("\nserve-check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
