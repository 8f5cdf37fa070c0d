from . import (
    account_move_reversal,
    csp_delivery_confirm,
    csp_dunning_wizard,
    csp_feasibility_decision,
    csp_kpi_report,
    stock_return_picking,
)
