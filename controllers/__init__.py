from . import delivery, feasibility, portal
