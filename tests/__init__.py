from . import test_foundation
from . import test_demo_data
from . import test_phone_tour
