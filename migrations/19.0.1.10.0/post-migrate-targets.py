"""19.0.1.10.0: the process cards hold the targets.

- The company fields Feasibility Answer Target, Fulfilment Target and Sales
  Materials Target are no longer stored: each company's value becomes its own
  target row on the card's metric (answer_time, fulfilment_time,
  materials_time) when it differs from the card's target.
- A code is measured on one card only: the main card's copies of its
  subprocesses' metrics are removed (the subprocess keeps its own), its
  complaint rate moves to the complaints card, and the metrics the report now
  measures are added (new customers, sales value, returned of delivered).
"""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL
from odoo.tools.sql import column_exists

COLUMNS = {
    "csp_feasibility_sla_hours": "answer_time",
    "csp_fulfilment_sla_days": "fulfilment_time",
    "csp_material_sla_hours": "materials_time",
}
NEW_METRICS = [
    ("process_customer_service", {"sequence": 5, "name": "New customers per month",
                                  "code": "new_customers", "comparison": "min", "target": 1,
                                  "unit": "customers", "period": "month"}),
    ("process_customer_service", {"sequence": 30, "name": "Sales value", "code": "sales_value",
                                  "comparison": "min", "target": 0,
                                  "unit": "in the company currency", "period": "month"}),
    ("process_complaints", {"sequence": 15, "name": "Returned products of those delivered",
                            "code": "returns_rate", "comparison": "max", "target": 0,
                            "unit": "%", "period": "month"}),
]


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    metrics = env["csp.process.metric"].with_context(active_test=False)
    main = env.ref("customer_service_process.process_customer_service",
                   raise_if_not_found=False)
    complaints = env.ref("customer_service_process.process_complaints",
                         raise_if_not_found=False)
    if main:
        for metric in main.metric_ids:
            elsewhere = metrics.search([("code", "=", metric.code), ("id", "!=", metric.id)])
            if not metric.code or not elsewhere:
                continue
            # The subprocess's copy is the one that stays.
            metric.unlink()
        metric = main.metric_ids.filtered(lambda m: m.code == "complaint_rate")
        if metric and complaints:
            metric.process_id = complaints
    for xmlid, values in NEW_METRICS:
        card = env.ref(f"customer_service_process.{xmlid}", raise_if_not_found=False)
        if card and not metrics.search([("code", "=", values["code"])]):
            metrics.create({**values, "process_id": card.id})
    env.invalidate_all()
    targets = env["csp.process.target"]
    for column, code in COLUMNS.items():
        if not column_exists(cr, "res_company", column):
            continue
        cr.execute(SQL("SELECT id, %s FROM res_company WHERE %s IS NOT NULL",
                       SQL.identifier(column), SQL.identifier(column)))
        for company_id, value in cr.fetchall():
            company = env["res.company"].browse(company_id)
            metric = metrics._csp_find(code, company)
            if metric and metric.target != value:
                targets.create({"metric_id": metric.id, "company_id": company_id,
                                "target": value})
