from . import complaint, delivery, feasibility, material, statement
