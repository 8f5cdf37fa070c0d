from . import csp_feasibility_decision
