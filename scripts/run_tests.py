"""Run the addon's tests with Odoo's own runner on a copy of the template.

    run_tests.py [--tags TAGS] [--keep]

Steps: copy the cached template database, install the addon with
``--test-enable`` (at_install and post_install tests, browser tours included),
then upgrade it (``-u``) on the same database and check that the upgrade is
clean.  Prints Odoo's log as it goes and ends with the line
``N passed, N failed, N skipped``; exits non-zero on any failure, error,
install or upgrade error, and on skipped tests (a browser test that could not
find Chromium is skipped by Odoo, and here that counts as not run).
"""

import argparse
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import odoo_db

RESULT_RE = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
SKIP_RE = re.compile(r"^\S+ \S+ \d+ INFO \S+ odoo\.\S+: skipped \S+ : ")
ERROR_RE = odoo_db.ERROR_RE


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tags", default=os.environ.get("TEST_TAGS") or f"/{odoo_db.MODULE}",
                        help="Odoo --test-tags (default: every test of the addon)")
    parser.add_argument("--keep", action="store_true", help="keep the test database")
    args = parser.parse_args()

    started = time.time()
    template = odoo_db.ensure_template()
    db = f"csp_test_{os.getpid()}"
    odoo_db.copy_db(template, db)
    log_path = odoo_db.BUILD / "log" / "test.log"
    passed = failed = skipped = 0
    try:
        with open(log_path, "w") as log:
            code, lines = odoo_db.run_odoo(
                db, "-i", odoo_db.MODULE, "--test-enable", "--test-tags", args.tags,
                "--stop-after-init", "--max-cron-threads=0", "--workers=0",
                "--http-port", str(odoo_db.free_port()), "--log-level=test", log=_Tee(log))
        results = [RESULT_RE.search(line) for line in lines]
        results = [m for m in results if m]
        if results:
            fails, errors, total = (int(g) for g in results[-1].groups())
        else:
            fails, errors, total = 0, 1, 1
            print("!! no test result line: the addon did not install")
        skipped = sum(1 for line in lines if SKIP_RE.search(line))
        failed = fails + errors
        passed = total - failed - skipped
        stray = [line for line in lines if ERROR_RE.search(line)]
        if (stray or code) and not failed:
            print(f"!! {len(stray)} error line(s) outside the tests, exit code {code}")
            failed += 1

        # The upgrade of an installed addon must be as clean as its install.
        print(">> upgrading the addon (-u) on the test database")
        with open(odoo_db.BUILD / "log" / "upgrade.log", "w") as log:
            code, lines = odoo_db.run_odoo(db, "-u", odoo_db.MODULE, "--stop-after-init",
                                           "--max-cron-threads=0", log=log)
        problems = [line for line in lines if ERROR_RE.search(line) or " WARNING " in line]
        if code or problems:
            sys.stdout.write("".join(problems[-20:]))
            print(f"!! upgrade failed (exit {code}, {len(problems)} error/warning lines)")
            failed += 1
        else:
            passed += 1
    finally:
        if not args.keep:
            odoo_db.drop_db(db)
        else:
            print(f">> kept the test database {db}")
    print(f">> {time.time() - started:.0f} s; log in {log_path}")
    if skipped:
        print(f"!! {skipped} test(s) skipped: every test must run here (is chromium installed?)")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    sys.exit(1 if failed or skipped else 0)


class _Tee:
    """Write Odoo's output to the log file and to our stdout."""

    def __init__(self, log):
        self.log = log

    def write(self, text):
        self.log.write(text)
        sys.stdout.write(text)

    def flush(self):
        self.log.flush()
        sys.stdout.flush()


if __name__ == "__main__":
    main()
