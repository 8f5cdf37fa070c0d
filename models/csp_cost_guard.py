"""Costs and margins are head office's business: field reps do not see them.

Every cost-bearing field (product costs, valuation, vendor prices, order
margins, the cost figures of a feasibility check) carries this group, the
one guard the ORM applies on every read path: read, search_read, grouped
reads and grouping sets, progress bars, export, search domains and
ordering.  Field reps have none of the groups that imply it.
"""

COST_VIEWER = "customer_service_process.group_cost_viewer"


def may_see_costs(env):
    return env.su or env.user.has_group(COST_VIEWER)
