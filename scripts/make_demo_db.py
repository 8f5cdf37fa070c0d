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
            # Bring it to this clone's code: new fields and data need the upgrade.
            print(f">> upgrading the addon in the demo database {name} "
                  "(DEMO_RESET=1 recreates it)")
            run(name, "-u")
            return
        odoo_db.drop_db(name)
    template = odoo_db.ensure_template()
    odoo_db.copy_db(template, name)
    print(f">> installing the addon with its demo data in {name}")
    run(name, "-i", drop_on_failure=True)


def run(name, mode, drop_on_failure=False):
    """Install (-i) or upgrade (-u) the addon in `name`, stopping on any error."""
    log_path = odoo_db.BUILD / "log" / "demo-install.log"
    with open(log_path, "w") as log:
        code, lines = odoo_db.run_odoo(name, mode, odoo_db.MODULE, "--stop-after-init",
                                       "--max-cron-threads=0", log=log)
    if code or any(odoo_db.ERROR_RE.search(line) for line in lines):
        if drop_on_failure:
            odoo_db.drop_db(name)
        sys.exit(f"the addon failed to {'install' if mode == '-i' else 'upgrade'}; see {log_path}")


if __name__ == "__main__":
    main(sys.argv[1])
