"""Databases of the project's scripts: cached templates and their copies.

A template database holds Odoo with the addon's dependencies and their demo
data.  It is built once per Odoo module set and dependency list, and copied
(``createdb -T``, plus its filestore) for each test run, demo or benchmark.
"""

import ast
import fcntl
import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULE = "customer_service_process"
ODOO_SRC = Path(os.environ.get("ODOO_SRC", "/opt/odoo"))
BUILD = ROOT / ".build"
CONF = BUILD / "odoo.conf"
# Bump when the way templates are made changes, to rebuild them.
TEMPLATE_RECIPE = "1"
# Log lines that are an error whatever else went right.
ERROR_RE = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) |demo data failed to install")


def boot(config, database):
    """Odoo configured by `config` and the registry of `database`, for a
    script that works in-process (the benchmarks, load_data.py): Odoo is
    imported here, once the script's arguments are known."""
    import odoo  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", config, "-d", database, "--log-level=warn"])
    odoo.netsvc.init_logger()
    return odoo, Registry(database)


def run_bench(doc, bench, argv):
    """The command line of a benchmark `bench(env, runs)`: ``-c CONF -d DB
    [--runs 3]``; `bench` runs as the superuser in one transaction (it
    rolls back what it made)."""
    import argparse  # noqa: PLC0415

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    odoo, registry = boot(args.config, args.database)
    with registry.cursor() as cr:
        bench(odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}), args.runs)


def conf_value(key):
    for line in CONF.read_text().splitlines():
        name, _, value = line.partition("=")
        if name.strip() == key:
            return value.strip()
    return None


def filestore(db):
    return Path(conf_value("data_dir")) / "filestore" / db


def manifest():
    return ast.literal_eval((ROOT / "__manifest__.py").read_text())


def template_key(extra_modules=()):
    """Changes whenever Odoo's module set or our dependencies change."""
    digest = hashlib.sha1(TEMPLATE_RECIPE.encode())
    for path in sorted(ODOO_SRC.glob("addons/*/__manifest__.py")):
        digest.update(path.parent.name.encode())
        digest.update(path.read_bytes())
    digest.update((ODOO_SRC / "odoo/release.py").read_bytes())
    digest.update(repr(sorted(manifest()["depends"]) + list(extra_modules)).encode())
    return digest.hexdigest()[:10]


def psql(sql, db="postgres"):
    out = subprocess.run(
        ["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql],
        check=True, capture_output=True, text=True,
    )
    return out.stdout.strip()


def db_exists(name):
    return psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"


def drop_db(name):
    if db_exists(name):
        psql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        )
        psql(f'DROP DATABASE IF EXISTS "{name}"')
    shutil.rmtree(filestore(name), ignore_errors=True)


def copy_db(template, name):
    drop_db(name)
    psql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    if filestore(template).exists():
        shutil.copytree(filestore(template), filestore(name))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def odoo_cmd(db, *args):
    return [
        sys.executable, str(ODOO_SRC / "odoo-bin"),
        "-c", str(CONF), "-d", db, "--no-http" if "--http-port" not in " ".join(args) else "",
        *args,
    ]


def run_odoo(db, *args, log=None):
    """Run odoo-bin to completion; return (returncode, output lines)."""
    cmd = [c for c in odoo_cmd(db, *args) if c]
    lines = []
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, bufsize=1) as proc:
        for line in proc.stdout:
            lines.append(line)
            if log:
                log.write(line)
                log.flush()
    return proc.returncode, lines


@contextmanager
def locked(name):
    """A lock shared by every clone of this machine (template builds)."""
    lock_dir = Path(conf_value("data_dir"))
    lock_dir.mkdir(parents=True, exist_ok=True)
    with open(lock_dir / f"{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def ensure_template(extra_modules=(), say=print):
    """Return the name of the template database, building it when missing."""
    name = f"csp_tmpl_{template_key(extra_modules)}"
    with locked(name):
        if db_exists(name):
            return name
        building = f"{name}_building"
        drop_db(building)
        modules = ",".join(sorted(manifest()["depends"]) + list(extra_modules))
        say(f">> building the template database {name} ({modules}, with demo data), once")
        started = time.time()
        log_path = BUILD / "log" / f"{name}.log"
        with open(log_path, "w") as log:
            code, lines = run_odoo(building, "-i", modules, "--with-demo",
                                   "--stop-after-init", "--max-cron-threads=0", log=log)
        errors = [line for line in lines if ERROR_RE.search(line)]
        if code or errors:
            drop_db(building)
            sys.stderr.write("".join(errors[-20:]))
            sys.exit(f"building the template failed (exit {code}); see {log_path}")
        psql(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
        if filestore(building).exists():
            filestore(building).rename(filestore(name))
        say(f">> template {name} built in {time.time() - started:.0f} s")
    return name
