from . import delivery, feasibility
