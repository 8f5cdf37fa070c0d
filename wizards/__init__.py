# First: the management report's mixins, then the report, then what extends it.
from . import csp_kpi_chart, csp_kpi_definitions, csp_kpi_goals, csp_kpi_sections  # noqa: I001
from . import csp_kpi_trend, csp_kpi_xlsx
from . import csp_kpi_funnel
from . import csp_kpi_report
from . import csp_kpi_monthly
from . import (
    account_move_reversal,
    csp_delivery_confirm,
    csp_dunning_wizard,
    csp_feasibility_decision,
    csp_order_lost,
    stock_return_picking,
)
