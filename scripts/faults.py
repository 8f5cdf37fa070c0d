"""Fault test of the dunning send: cron workers killed with SIGKILL mid-batch,
every letter's side effects still exactly once (issue 15, item 2).

    faults.py [--customers 400] [--orders 1600] [--batch-size 10] [--kills 2]
              [--send-timeout 300] [--keep-db]

Run by ``scripts/faults.sh`` (``make faults``) with the venv's Python and the
project's PostgreSQL in the environment.  What it does, loopback only:

1. the data: the benchmark database ``csp_bench_<N>c_<K>o`` of
   ``generate_data.py --make-bench-db`` (built once, then reused), copied to a
   throw-away ``csp_faults_<pid>`` with the addon upgraded to this clone's
   code.  Every cron but the send cron is deactivated there (no daily run
   competing with ours, no mail queue trying to reach an SMTP server: the
   queued mails stay countable), and, as the administrator over XML-RPC, the
   company's dunning schedule is set so that a run mixes channels and fees:
   3 days e-mail, 120 days e-mail with a fixed fee, 200 days printed letter
   with a 1 % fee, 260 days phone call with a fixed fee; one generated
   customer in eight loses his e-mail address (his letter falls back to a
   printed one);
2. two Odoo servers on that database, each ``--workers=2
   --max-cron-threads=1`` (prefork: each cron worker is a process of its
   own), on their own loopback ports, each in its own process group, with
   ``ODOO_NOTIFY_CRON_CHANGES=1`` (a job left partially done after its ten
   seconds wakes every cron worker at once instead of at their next poll, a
   minute later: only the test's duration depends on it);
3. as the demo accountant over XML-RPC: the dunning wizard's ``action_run``
   (a few hundred letters), the batch size set to ``--batch-size`` (system
   parameter ``customer_service_process.batch_size.dunning_send``), Send
   (``action_send``);
4. the kills.  A cron worker is found by its own log line (``Worker
   WorkerCron (<pid>) alive``; the venv has no ``setproctitle``, so process
   titles do not tell), and must be a live child of its server's master.
   The servers reach PostgreSQL over TCP on 127.0.0.1, so that a backend's
   ``client_port`` (``pg_stat_activity``) matches one of the worker's own
   sockets (psutil); ``application_name`` would not do: a worker inherits
   the master's, which preloads the registry before forking.  A batch is
   *in flight* when a backend of a cron worker holds ``csp_dunning_letter``'s
   ``ROW SHARE`` lock (the batch's ``FOR UPDATE``) and ``ROW EXCLUSIVE``
   locks of side-effect tables it wrote to without committing
   (``mail_mail``, ``mail_message``, ``mail_activity``, ``account_move``...),
   all read from ``pg_locks``.
   Kill 1, once a first batch has committed: SIGKILL to the cron worker with
   a batch in flight deep in its work (fee invoices or invoice levels
   written: ``account_move``); its master forks a new cron worker.  Kill 2
   (``--kills 2``), once another batch has committed after that: SIGKILL to
   the whole server whose cron worker has a batch in flight (master, HTTP
   and cron workers, websocket process: its process group), as a machine
   dying.  The other server finishes the run.  After each kill, nothing wakes
   the survivors: a cron worker takes the job at its next poll (Odoo: every
   60 s plus its pid modulo 10);
5. the counts, in SQL, for every letter of the run: mail.mail per e-mail
   letter, call activity per phone letter, fee invoice per letter with a fee,
   the reminded invoices' dunning level and date (one step, from their level
   before Send to the letter's), chatter messages on the customer, on the
   invoices and on the letter, the run's "is sent" message; each must be
   exactly what one send gives (1 or 0), no letter left queued or failed,
   the send cron neither failed nor deactivated.  Both servers' logs are
   searched for tracebacks, ERROR lines and a restarting websocket process.

Prints a summary table; exit status 0 when every check passed.  Whatever
happens, the servers are stopped (SIGTERM to each master, then SIGKILL to
what is left of their process groups) and the copy is dropped (unless
``--keep-db``).  Logs: ``.build/log/faults-A.log`` and ``faults-B.log``.
"""

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import xmlrpc.client
from collections import Counter, defaultdict
from pathlib import Path

import psutil
import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parent))
import odoo_db

MODULE = odoo_db.MODULE
BATCH_PARAM = "customer_service_process.batch_size.dunning_send"
SEND_CRON = "ir_cron_dunning_send"
# The dunning schedule of the test: (days, channel, fee type, fee amount).
LEVELS = [
    (3, "email", "none", 0.0),
    (120, "email", "fixed", 10.0),
    (200, "letter", "percent", 1.0),
    (260, "phone", "fixed", 25.0),
]
# Tables a dunning batch writes to before it commits.
SIDE_EFFECT_TABLES = ("mail_mail", "mail_message", "mail_activity", "mail_notification",
                      "account_move", "account_move_line", "csp_dunning_line")
# Kill 1 waits at most this long (seconds) for a batch deep in its work.
DEEP_WAIT = 20
LOG_RECORD_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (\d+) ([A-Z]+) (\S+) ([\w.]+): ")
CRON_ALIVE_RE = re.compile(r"Worker WorkerCron \((\d+)\) alive")
BATCH_DONE_RE = re.compile(r"dunning_send: (\d+) done in")
JOB_START_RE = re.compile(r"Job 'Customer Process: send queued dunning letters' \(\d+\) starting")
# Tracebacks the kills may leave in the logs, each with why it is expected.
# None was seen so far (a killed process logs nothing, the others notice
# nothing but a lock released): the list grows only with a reason.
EXPECTED_TRACEBACKS = []


def say(*args):
    print(">>", *args, flush=True)


def pg_port():
    return int(os.environ.get("PGPORT") or 5432)


def pg_tcp_host():
    host = os.environ.get("PGHOST") or "127.0.0.1"
    return "127.0.0.1" if host.startswith("/") else host


def pg_client_ports(pid):
    """The local ports of process `pid`'s TCP connections to PostgreSQL."""
    try:
        return {conn.laddr.port for conn in psutil.Process(pid).connections(kind="tcp")
                if conn.raddr and conn.raddr.port == pg_port()}
    except psutil.Error:
        return set()


# --------------------------------------------------------------- servers

class Server:
    """One multi-process Odoo server, in a process group of its own."""

    def __init__(self, name, db):
        self.name = name
        self.db = db
        self.log_path = odoo_db.BUILD / "log" / f"faults-{name}.log"
        self.port = odoo_db.free_port()
        self.gevent_port = odoo_db.free_port()
        self.proc = None
        self.log_offset = 0
        self.cron_pids = []        # every cron worker seen in the log, in order
        self.killed = False        # the whole server, by the test

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        cmd = [
            sys.executable, str(odoo_db.ODOO_SRC / "odoo-bin"), "-c", str(odoo_db.CONF),
            "-d", self.db, f"--db-filter=^{self.db}$", "--no-database-list",
            "--http-interface", "127.0.0.1", "--http-port", str(self.port),
            "--gevent-port", str(self.gevent_port),
            "--workers", "2", "--max-cron-threads", "1", "--db_maxconn", "8",
            "--db_host", pg_tcp_host(), "--db_port", str(pg_port()),
        ]
        env = dict(os.environ, ODOO_NOTIFY_CRON_CHANGES="1")
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, env=env,
                                         start_new_session=True)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def refresh(self):
        """Read what the log gained: cron workers started."""
        with open(self.log_path, errors="replace") as log:
            log.seek(self.log_offset)
            text = log.read()
            self.log_offset = log.tell()
        for match in CRON_ALIVE_RE.finditer(text):
            pid = int(match.group(1))
            if pid not in self.cron_pids:
                self.cron_pids.append(pid)

    def live_cron_pids(self):
        """Cron workers (by their log line) that are live children of the master."""
        if not self.alive():
            return []
        try:
            children = {child.pid for child in psutil.Process(self.proc.pid).children()}
        except psutil.Error:
            return []
        return [pid for pid in self.cron_pids if pid in children]

    def wait_ready(self, timeout=180):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if not self.alive():
                raise RuntimeError(f"server {self.name} died at start; see {self.log_path}")
            self.refresh()
            try:
                with urllib.request.urlopen(f"{self.url}/web/login", timeout=10) as resp:
                    http_ok = resp.status == 200
            except OSError:
                http_ok = False
            if http_ok and self.live_cron_pids():
                return
            time.sleep(1)
        raise RuntimeError(f"server {self.name} not ready in {timeout} s; see {self.log_path}")

    def kill_all(self):
        """SIGKILL to the master and every process of its group."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        self.killed = True


def stop_all(servers):
    """Stop the servers as an operator does: SIGTERM to each master, which
    stops its workers gracefully (a worker itself dies at once on SIGTERM),
    then SIGKILL to whatever is left of their process groups."""
    running = [server for server in servers if server.alive()]
    for server in running:
        server.proc.send_signal(signal.SIGTERM)
    end = time.monotonic() + 25
    for server in running:
        try:
            server.proc.wait(timeout=max(end - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            pass
    for server in servers:
        if server.proc:
            try:
                os.killpg(server.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            server.proc.wait()


class Rpc:
    """XML-RPC as one user."""

    def __init__(self, url, db, login, password):
        self.db, self.password = db, password
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common", allow_none=True)
        self.uid = common.authenticate(db, login, password, {})
        if not self.uid:
            raise RuntimeError(f"cannot log in as {login}")
        self.object = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def __call__(self, model, method, *args, **kwargs):
        return self.object.execute_kw(self.db, self.uid, self.password, model, method,
                                      list(args), kwargs)


class Db:
    """Our own connection to the database, in autocommit: it sees what is committed."""

    def __init__(self, name):
        self.name = name
        self.cnx = psycopg2.connect(dbname=name)
        self.cnx.autocommit = True

    def all(self, sql, params=()):
        with self.cnx.cursor() as cr:
            cr.execute(sql, params)
            return cr.fetchall()

    def one(self, sql, params=()):
        rows = self.all(sql, params)
        return rows[0] if rows else None

    def counts(self, sql, params=()):
        return defaultdict(int, dict(self.all(sql, params)))

    def close(self):
        self.cnx.close()


# ------------------------------------------------------------------ data

def make_database(args, db):
    """The cached benchmark database, copied to `db`, the addon upgraded."""
    command = [sys.executable, str(Path(__file__).resolve().parent / "generate_data.py"),
               "--make-bench-db", "--customers", str(args.customers), "--orders",
               str(args.orders), "--products", "20", "--reps", "5", "--seed", "42"]
    out = subprocess.run(command, check=False, capture_output=True, text=True)
    if out.returncode:
        sys.stderr.write(out.stdout[-3000:] + out.stderr[-3000:])
        raise RuntimeError("building the benchmark database failed")
    bench = out.stdout.strip().splitlines()[-1]
    say(f"benchmark database {bench} ({args.customers} customers, {args.orders} orders)")
    odoo_db.copy_db(bench, db)
    log_path = odoo_db.BUILD / "log" / "faults-upgrade.log"
    with open(log_path, "w") as log:
        code, lines = odoo_db.run_odoo(db, "-u", MODULE, "--stop-after-init",
                                       "--max-cron-threads=0", log=log)
    if code or any(odoo_db.ERROR_RE.search(line) for line in lines):
        raise RuntimeError(f"upgrading the addon in {db} failed; see {log_path}")
    odoo_db.psql(f"""
        UPDATE ir_cron SET active = false
         WHERE id <> (SELECT res_id FROM ir_model_data
                       WHERE module = '{MODULE}' AND name = '{SEND_CRON}')
    """, db=db)
    say(f"{db}: a copy of it, the addon upgraded, every cron but the send cron deactivated")


def configure(admin, batch_size):
    """The schedule, the fee product, customers without e-mail, the batch size."""
    [user] = admin("res.users", "search_read", [("login", "=", "accountant")],
                   fields=["company_id"])
    company_id = user["company_id"][0]
    levels = admin("csp.dunning.level", "search", [("company_id", "=", company_id)],
                   order="days")
    if len(levels) != len(LEVELS):
        raise RuntimeError(f"expected {len(LEVELS)} dunning levels, found {len(levels)}")
    # The last level first: the days keep increasing after each write.
    for level_id, (days, channel, fee_type, fee) in reversed(
            list(zip(levels, LEVELS, strict=True))):
        admin("csp.dunning.level", "write", [level_id], {
            "days": days, "sequence": days, "channel": channel, "fee_type": fee_type,
            "fee_amount": fee})
    [fee_product] = admin("ir.model.data", "search_read", [
        ("module", "=", MODULE), ("name", "=", "product_dunning_fee")], fields=["res_id"])
    admin("res.company", "write", [company_id], {
        "csp_dunning_fee_product_id": fee_product["res_id"],
        "csp_dunning_fee_posting": "grouped"})
    customers = admin("res.partner", "search", [("name", "=like", "Bench Customer %")],
                      order="id")
    admin("res.partner", "write", customers[::8], {"email": False})
    admin("ir.config_parameter", "set_param", BATCH_PARAM, str(batch_size))
    return company_id


# ------------------------------------------------------------ the test

class FaultTest:

    def __init__(self, args, db, servers, run_id):
        self.args = args
        self.db = db
        self.servers = servers
        self.run_id = run_id
        self.total = db.one("SELECT count(*) FROM csp_dunning_letter WHERE run_id = %s",
                            (run_id,))[0]
        self.kills = []
        self.started = None
        self.send_seconds = None      # from Send to the run sent
        self.snap = {}

    def done(self):
        return self.db.one("SELECT count(*) FROM csp_dunning_letter WHERE run_id = %s "
                           "AND state <> 'draft'", (self.run_id,))[0]

    def take_snapshot(self):
        """The highest ids before Send, and the levels of the run's invoices."""
        for table in ("mail_mail", "mail_message", "mail_activity", "account_move"):
            self.snap[table] = self.db.one(f"SELECT coalesce(max(id), 0) FROM {table}")[0]
        self.snap["levels"] = dict(self.db.all("""
            SELECT m.id, m.csp_dunning_level_id FROM account_move m
              JOIN csp_dunning_line d ON d.move_id = m.id
              JOIN csp_dunning_letter l ON l.id = d.letter_id
             WHERE l.run_id = %s""", (self.run_id,)))

    def in_flight(self, cron_pids):
        """{cron worker pid: side-effect tables its open transaction wrote
        to}, for the cron workers holding letters FOR UPDATE."""
        by_port = {port: pid for pid in cron_pids for port in pg_client_ports(pid)}
        if not by_port:
            return {}
        rows = self.db.all("""
            SELECT a.client_port,
                   array_agg(DISTINCT c.relname) FILTER (
                       WHERE l.mode = 'RowExclusiveLock' AND c.relname = ANY(%s)),
                   bool_or(c.relname = 'csp_dunning_letter' AND l.mode = 'RowShareLock')
              FROM pg_stat_activity a
              JOIN pg_locks l ON l.pid = a.pid AND l.granted AND l.locktype = 'relation'
              JOIN pg_class c ON c.oid = l.relation
             WHERE a.datname = %s AND a.client_port = ANY(%s)
             GROUP BY a.client_port
        """, (list(SIDE_EFFECT_TABLES), self.db.name, list(by_port)))
        return {by_port[port]: sorted(tables)
                for port, tables, holds in rows if holds and tables}

    def kill(self, pid, server, tables, done, whole_server):
        at = time.monotonic() - self.started
        if whole_server:
            server.kill_all()
            what = (f"server {server.name}: master {server.proc.pid}, its workers and "
                    f"websocket process (its process group), its cron worker {pid} mid-batch")
        else:
            os.kill(pid, signal.SIGKILL)
            what = f"cron worker {pid} of server {server.name}, mid-batch"
        self.kills.append({"what": what, "at": at, "done": done, "tables": tables})
        say(f"kill {len(self.kills)} at {at:.1f} s after Send: SIGKILL {what} "
            f"({done}/{self.total} letters committed; uncommitted writes to "
            f"{', '.join(tables)})")

    def send_and_kill(self, accountant):
        """Send, kill as planned while the letters go, until the run is sent."""
        self.take_snapshot()
        self.started = time.monotonic()
        accountant("csp.dunning.run", "action_send", [self.run_id])
        say("Send pressed (action_send): the letters are queued for the cron workers")
        end = self.started + self.args.send_timeout
        last_flying = None          # (pid, server) of the last batch seen in flight
        first_batch_at = None
        while time.monotonic() < end:
            now = time.monotonic()
            if self.db.one("SELECT state FROM csp_dunning_run WHERE id = %s",
                           (self.run_id,))[0] == "sent":
                self.send_seconds = now - self.started
                return
            for server in self.servers:
                if server.alive():
                    server.refresh()
            owner = {pid: server for server in self.servers for pid in server.live_cron_pids()}
            flying = self.in_flight(list(owner))
            done = self.done()
            if flying:
                last_flying = (next(iter(flying)), owner[next(iter(flying))])
            for kill in self.kills:
                if "resumed" not in kill and done > kill["done"]:
                    pid, server = last_flying or (None, None)
                    kill["resumed"] = (now - self.started - kill["at"],
                                       f"server {server.name}'s cron worker {pid}"
                                       if server else "a cron worker")
            if first_batch_at is None and done >= self.args.batch_size:
                first_batch_at = now
            if flying and len(self.kills) < self.args.kills:
                pid, tables = next(iter(flying.items()))
                if not self.kills and first_batch_at is not None and (
                        "account_move" in tables or now - first_batch_at > DEEP_WAIT):
                    self.kill(pid, owner[pid], tables, done, whole_server=False)
                    last_flying = None
                elif (self.kills and "resumed" in self.kills[-1]
                      and all(server.alive() for server in self.servers)
                      and done >= self.kills[-1]["done"] + self.args.batch_size):
                    self.kill(pid, owner[pid], tables, done, whole_server=True)
                    last_flying = None
            if not any(server.alive() for server in self.servers):
                raise RuntimeError("no server left alive")
            time.sleep(0.05)

    # ------------------------------------------------------------ checks

    def fetch(self):
        """What the database holds after the send, per letter, customer and invoice."""
        db, snap, run_id = self.db, self.snap, self.run_id
        found = {"run": db.one("SELECT date, send_user_id FROM csp_dunning_run WHERE id = %s",
                               (run_id,))}
        found["letters"] = db.all("""
            SELECT id, partner_id, channel, state, fallback_reason IS NOT NULL
              FROM csp_dunning_letter WHERE run_id = %s ORDER BY id""", (run_id,))
        found["lines"] = defaultdict(list)
        for row in db.all("""
                SELECT d.letter_id, d.move_id, d.level_id,
                       d.new_level AND NOT coalesce(d.excluded, false), d.fee_amount,
                       d.fee_move_id, d.currency_id
                  FROM csp_dunning_line d JOIN csp_dunning_letter l ON l.id = d.letter_id
                 WHERE l.run_id = %s""", (run_id,)):
            found["lines"][row[0]].append(row)
        found["mails"] = db.counts("""
            SELECT m.res_id, count(*) FROM mail_mail mm
              JOIN mail_message m ON m.id = mm.mail_message_id
             WHERE mm.id > %s AND m.model = 'csp.dunning.letter' GROUP BY 1""",
            (snap["mail_mail"],))
        found["letter_messages"] = db.counts("""
            SELECT res_id, count(*) FROM mail_message
             WHERE id > %s AND model = 'csp.dunning.letter' GROUP BY 1""",
            (snap["mail_message"],))
        found["activities"] = defaultdict(list)
        for partner, user in db.all("""
                SELECT res_id, user_id FROM mail_activity
                 WHERE id > %s AND res_model = 'res.partner'""", (snap["mail_activity"],)):
            found["activities"][partner].append(user)
        found["fee_moves"] = db.counts("""
            SELECT csp_dunning_letter_id, count(*) FROM account_move
             WHERE id > %s AND csp_dunning_letter_id IS NOT NULL AND state = 'posted'
             GROUP BY 1""", (snap["account_move"],))
        found["new_moves"] = db.one("SELECT count(*) FROM account_move WHERE id > %s",
                                    (snap["account_move"],))[0]
        found["partner_messages"] = defaultdict(Counter)
        for partner, kind, count in db.all("""
                SELECT res_id, message_type, count(*) FROM mail_message
                 WHERE id > %s AND model = 'res.partner' GROUP BY 1, 2""",
                (snap["mail_message"],)):
            found["partner_messages"][partner][kind] = count
        found["move_messages"] = db.counts("""
            SELECT res_id, count(*) FROM mail_message
             WHERE id > %s AND model = 'account.move' GROUP BY 1""", (snap["mail_message"],))
        moves = [row[1] for rows in found["lines"].values() for row in rows] or [0]
        found["moves"] = {move: (level, date) for move, level, date in db.all(
            "SELECT id, csp_dunning_level_id, csp_dunning_date FROM account_move "
            "WHERE id = ANY(%s)", (moves,))}
        found["run_told"] = db.one("""
            SELECT count(*) FROM mail_message WHERE id > %s AND model = 'csp.dunning.run'
               AND res_id = %s AND body LIKE '%%is sent%%'""", (snap["mail_message"], run_id))[0]
        found["cron"] = db.one("""
            SELECT active, failure_count FROM ir_cron WHERE id = (
                SELECT res_id FROM ir_model_data WHERE module = %s AND name = %s)""",
            (MODULE, SEND_CRON))
        return found

    def check(self):
        """Per letter, what one send gives against what the database holds:
        ({check: [expected, found, subjects ok, subjects, violations]}, channels)."""
        found = self.fetch()
        run_date, _send_user = found["run"]
        checks = {}
        channels = Counter()

        def expect(name, expected, count, subject):
            entry = checks.setdefault(name, [0, 0, 0, 0, []])
            entry[0] += expected
            entry[1] += count
            entry[2] += expected == count
            entry[3] += 1
            if expected != count:
                entry[4].append(f"{subject}: expected {expected}, found {count}")

        for letter_id, partner_id, channel, state, fallback in found["letters"]:
            subject = f"letter {letter_id} (customer {partner_id}, {channel}, {state})"
            sent = state == "sent"
            advancing = [row for row in found["lines"][letter_id] if row[3]]
            channels.update({channel: 1, "fallback": fallback,
                             "fee": sent and any(row[4] > 0 for row in advancing)})
            expect("letter sent (none queued, none failed)", 1,
                   int(state in ("sent", "nothing")), subject)
            email, phone = int(sent and channel == "email"), int(sent and channel == "phone")
            expect("mail.mail per e-mail letter", email, found["mails"][letter_id], subject)
            expect("message on the letter (its e-mail)", email,
                   found["letter_messages"][letter_id], subject)
            assignees = found["activities"][partner_id]
            expect("call activity per phone letter", phone, len(assignees), subject)
            expect("fee invoice per letter with a fee",
                   len({row[6] for row in advancing if row[4] > 0}) if sent else 0,
                   found["fee_moves"][letter_id], subject)
            on_partner = found["partner_messages"][partner_id]
            expect("log message on the customer", int(sent), on_partner["notification"], subject)
            # The batch plans its activities without Odoo's "assigned to you"
            # mail per activity (csp.batch._csp_batch_create_activities): the
            # assignee finds them in his activities, not 200 mails.
            expect("no 'assigned to you' notice per activity", 0,
                   on_partner["user_notification"], subject)
            expect("other messages on the customer", 0, sum(on_partner.values())
                   - on_partner["notification"] - on_partner["user_notification"], subject)
            for _id, move, level, is_advancing, fee, fee_move, _cur in found["lines"][letter_id]:
                reminded = sent and is_advancing
                level_now, date_now = found["moves"][move]
                before = self.snap["levels"].get(move)
                what = f"invoice {move} of {subject}"
                expect("invoice level: one step to the letter's", 1, int(
                    (level_now == level and date_now == run_date and before != level)
                    if reminded else level_now == before), what)
                expect("chatter message on the invoice", int(reminded),
                       found["move_messages"][move], what)
                if reminded and fee > 0:
                    expect("fee line linked to its fee invoice", 1, int(bool(fee_move)), what)
        expect("'is sent' message on the run", 1, found["run_told"], f"run {self.run_id}")
        expect("fee invoices created, in all", checks["fee invoice per letter with a fee"][0],
               found["new_moves"], "account.move created since Send")
        cron = found["cron"]
        expect("send cron active, not failed", 1, int(bool(cron and cron[0] and not cron[1])),
               f"ir.cron {SEND_CRON} (active, failure count: {cron})")
        return checks, channels

    # ------------------------------------------------------------ report

    def report(self, checks, channels, logs, elapsed):
        """Print the summary; return the number of failing items."""
        args, total = self.args, self.total
        problems, per_server = logs
        print("\n== make faults: dunning send, cron workers killed mid-batch ==")
        print(f"letters: {total} = e-mail {channels['email']}, printed {channels['letter']}, "
              f"phone {channels['phone']}  (printed for want of an e-mail address: "
              f"{channels['fallback']}; with a fee: {channels['fee']}); batch size "
              f"{args.batch_size}")
        print(f"kills done: {len(self.kills)}")
        for number, kill in enumerate(self.kills, start=1):
            print(f"  {number}. {kill['at']:6.1f} s after Send, SIGKILL: {kill['what']}; "
                  f"{kill['done']}/{total} letters committed, uncommitted writes to "
                  f"{', '.join(kill['tables'])}")
            resumed = kill.get("resumed")
            print("     " + (f"next batch committed {resumed[0]:.1f} s later, by {resumed[1]}"
                             if resumed else "no batch committed after it"))
        print("servers (from their logs):")
        for server, info in per_server:
            fate = "killed with its process group" if server.killed else "ran to the end"
            print(f"  {server.name}: {fate}; cron workers {server.cron_pids}; send job runs "
                  f"{info['runs']}; batches committed {info['batches']} ({info['letters']} "
                  f"letters); unexpected tracebacks {info['tracebacks']}; websocket process "
                  f"started {info['gevent_starts']}x")
        print("time: " + (f"all sent {self.send_seconds:.1f} s after Send"
                          if self.send_seconds is not None
                          else f"NOT sent within {args.send_timeout:.0f} s of Send")
              + f"; whole test {elapsed:.0f} s")
        print(f"\n{'check':42} {'expected':>9} {'found':>7} {'ok':>11}")
        failed = 0
        for name, (expected, count, ok, subjects, violations) in checks.items():
            print(f"{name:42} {expected:9d} {count:7d} {ok:5d}/{subjects:<5d}")
            for violation in violations[:5]:
                print(f"    VIOLATION {violation}")
            if len(violations) > 5:
                print(f"    ... {len(violations) - 5} more")
            failed += bool(violations)
        failed += self.send_seconds is None
        if len(self.kills) < args.kills:
            print(f"\nonly {len(self.kills)} of {args.kills} kills done: no batch in flight "
                  "when one was due")
            failed += 1
        for problem in problems:
            print(f"LOG {problem}")
        failed += bool(problems)
        print(f"\nmake faults {'FAILED' if failed else 'passed'}: {failed} failing item(s)")
        return failed


def analyse_logs(servers):
    """Tracebacks (other than the expected ones), ERROR lines, websocket
    restarts; per server its send job runs and committed batches."""
    problems, per_server = [], []
    for server in servers:
        text = Path(server.log_path).read_text(errors="replace")
        records = []        # [first line, following lines]
        for line in text.splitlines():
            if LOG_RECORD_RE.match(line) or not records:
                records.append([line, []])
            else:
                records[-1][1].append(line)
        info = {"runs": len(JOB_START_RE.findall(text)), "batches": 0, "letters": 0,
                "tracebacks": 0, "gevent_starts": text.count("Evented Service (longpolling)")}
        for first, rest in records:
            if done := BATCH_DONE_RE.search(first):
                info["batches"] += 1
                info["letters"] += int(done.group(1))
            record = "\n".join([first, *rest])
            if "Traceback (most recent call last)" in record:
                if any(re.search(pattern, record) for pattern, _why in EXPECTED_TRACEBACKS):
                    continue
                info["tracebacks"] += 1
                last = [line for line in rest if line.strip()][-1:] or [""]
                problems.append(f"server {server.name}: traceback: {first[:160]} ... "
                                f"{last[0].strip()[:200]}")
            elif (match := LOG_RECORD_RE.match(first)) and match.group(2) in ("ERROR",
                                                                              "CRITICAL"):
                problems.append(f"server {server.name}: {first[:240]}")
        if "DistributionNotFound" in text or info["gevent_starts"] > 1:
            problems.append(f"server {server.name}: the websocket process restarted "
                            f"({info['gevent_starts']} starts)")
        per_server.append((server, info))
    return problems, per_server


# ------------------------------------------------------------------ main

def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=400)
    parser.add_argument("--orders", type=int, default=1600)
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--kills", type=int, default=2, choices=(1, 2))
    parser.add_argument("--send-timeout", type=float, default=300.0,
                        help="seconds from Send until the run must be sent")
    parser.add_argument("--keep-db", action="store_true")
    return parser.parse_args(argv)


def _terminate(signum, _frame):
    raise SystemExit(128 + signum)


def run(args, db_name, servers, connections, t0):
    """The test itself (main cleans up after it); its exit status."""
    make_database(args, db_name)
    for server in servers:
        server.start()
    for server in servers:
        server.wait_ready()
        say(f"server {server.name}: master {server.proc.pid}, {server.url}, websocket "
            f":{server.gevent_port}, cron worker {server.live_cron_pids()}, "
            f"log {server.log_path}")
    company_id = configure(Rpc(servers[0].url, db_name, "admin", "admin"), args.batch_size)
    accountant = Rpc(servers[0].url, db_name, "accountant", "accountant")
    wizard = accountant("csp.dunning.wizard", "create", {"company_id": company_id})
    run_id = accountant("csp.dunning.wizard", "action_run", [wizard])["res_id"]
    db = Db(db_name)
    connections.append(db)
    test = FaultTest(args, db, servers, run_id)
    say(f"dunning run {run_id} made by the accountant: {test.total} letters; batch size "
        f"{args.batch_size}")
    test.send_and_kill(accountant)
    stop_all(servers)
    checks, channels = test.check()
    failed = test.report(checks, channels, analyse_logs(servers), time.monotonic() - t0)
    print(f"logs: {', '.join(str(server.log_path) for server in servers)}")
    return 1 if failed else 0


def main(argv):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)
    socket.setdefaulttimeout(150)
    t0 = time.monotonic()
    db_name = f"csp_faults_{os.getpid()}"
    servers = [Server(name, db_name) for name in ("A", "B")]
    connections = []
    try:
        return run(args, db_name, servers, connections, t0)
    except RuntimeError as error:
        print(f"make faults FAILED: {error}", file=sys.stderr)
        return 2
    finally:
        # Whatever happened (a failure, SIGTERM from `timeout`, Ctrl-C).
        stop_all(servers)
        for db in connections:
            db.close()
        if args.keep_db:
            say(f"servers stopped; database kept: {db_name}")
        else:
            odoo_db.drop_db(db_name)
            say(f"servers stopped; {db_name} dropped")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
