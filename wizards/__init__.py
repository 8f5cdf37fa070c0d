from . import csp_delivery_confirm, csp_feasibility_decision
