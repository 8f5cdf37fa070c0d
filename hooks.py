"""What the addon does once, when it is installed on a database that already
has orders."""


def post_init_hook(env):
    """Orders that existed before the addon have its stage (computed at
    install, as for any stored field) but milestones and a process log dated
    the moment of the install, and so a false "Feasibility answer" deadline.
    Their history is estimated from what Odoo recorded; the README's
    *Installing on a database with orders* says how."""
    # The addon's first records are created when its data loads: the orders
    # made before them are the ones it found.
    env.cr.execute("SELECT min(create_date) FROM csp_order_stage")
    installed = env.cr.fetchone()[0]
    if installed:
        env["sale.order"]._csp_estimate_history(installed)
