"""Create the demo database once: a copy of the template with the addon."""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import odoo_db


def main(name):
    if os.environ.get("DEMO_RESET"):
        odoo_db.drop_db(name)
    if odoo_db.db_exists(name):
        installed = odoo_db.psql(
            "SELECT state FROM ir_module_module WHERE name = 'customer_service_process'", db=name)
        if installed == "installed":
            print(f">> demo database {name} exists (DEMO_RESET=1 to recreate it)")
            return
        odoo_db.drop_db(name)
    template = odoo_db.ensure_template()
    odoo_db.copy_db(template, name)
    print(f">> installing the addon with its demo data in {name}")
    with open(odoo_db.BUILD / "log" / "demo-install.log", "w") as log:
        code, lines = odoo_db.run_odoo(name, "-i", odoo_db.MODULE, "--stop-after-init",
                                       "--max-cron-threads=0", log=log)
    if code or any(odoo_db.ERROR_RE.search(line) for line in lines):
        odoo_db.drop_db(name)
        sys.exit(f"installing the addon failed; see {odoo_db.BUILD / 'log' / 'demo-install.log'}")


if __name__ == "__main__":
    main(sys.argv[1])
