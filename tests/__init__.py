from . import (
    test_access,
    test_after_sales,
    test_delivery,
    test_demo_data,
    test_dunning,
    test_feasibility,
    test_feasibility_approval,
    test_foundation,
    test_phone_tour,
    test_process_cards,
    test_process_stages,
    test_sla,
    test_translations,
)
from . import test_kpi_report
