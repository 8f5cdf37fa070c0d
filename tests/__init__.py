from . import test_demo_data, test_foundation, test_phone_tour
