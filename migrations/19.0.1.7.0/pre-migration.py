"""19.0.1.7.0: the cost figures of feasibility results move to their own
field, readable by cost viewers only.

Before, the profitability result's `figures` held "price …, cost …, margin …"
in words when a cost viewer ran the check, and any reader of the check saw
them.  The column is added here so that the ORM finds it filled.
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute("ALTER TABLE csp_feasibility_result ADD COLUMN IF NOT EXISTS cost_figures varchar")
    cr.execute("""
        UPDATE csp_feasibility_result
           SET cost_figures = figures, figures = NULL
         WHERE kind = 'profitability' AND figures IS NOT NULL
    """)
