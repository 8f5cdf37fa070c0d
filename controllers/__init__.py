# The customer's portal pages (/my), then the links mailed to the customer
# and to the approver (/csp, a token each, no login).
from . import (
    link_approval,
    link_delivery,
    link_material,
    portal_complaint,
    portal_inquiry,
    portal_material,
    portal_statement,
)
