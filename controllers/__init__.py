from . import feasibility
