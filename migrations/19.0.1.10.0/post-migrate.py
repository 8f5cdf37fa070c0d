"""19.0.1.10.0: the process cards hold the targets and assign the work.

- The company fields Feasibility Answer Target, Fulfilment Target and Sales
  Materials Target are no longer stored: each company's value becomes its own
  target row on the card's metric (answer_time, fulfilment_time,
  materials_time) when it differs from the card's target.
- A code is measured on one card only: the main card's copies of its
  subprocesses' metrics are removed (the subprocess keeps its own), its
  complaint rate moves to the complaints card.  The metrics the report now
  measures (new customers, sales value, own cost of the sales department,
  market share, returned of delivered, warranty claims) come with the data:
  since 19.0.1.11.0 each metric has an xmlid, so the upgrade creates the
  missing ones before this script runs.
- The company fields Head of Sales and Office Manager are no longer stored:
  each company's value becomes the holder of the role in that company; the
  role Sales manager / field rep is held by each record's salesperson.
"""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL
from odoo.tools.sql import column_exists

COLUMNS = {
    "csp_feasibility_sla_hours": "answer_time",
    "csp_fulfilment_sla_days": "fulfilment_time",
    "csp_material_sla_hours": "materials_time",
}
HOLDERS = {
    "csp_head_of_sales_id": "customer_service_process.role_head_of_sales",
    "csp_office_manager_id": "customer_service_process.role_office_manager",
}


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    _one_card_per_code(env)
    env.invalidate_all()
    _company_targets(env)
    _role_holders(env)


def _one_card_per_code(env):
    metrics = env["csp.process.metric"].with_context(active_test=False)
    main = env.ref("customer_service_process.process_customer_service",
                   raise_if_not_found=False)
    complaints = env.ref("customer_service_process.process_complaints",
                         raise_if_not_found=False)
    if main:
        for metric in main.metric_ids:
            # The subprocess's copy is the one that stays.
            if metric.code and metrics.search([("code", "=", metric.code),
                                               ("id", "!=", metric.id)]):
                metric.unlink()
        metric = main.metric_ids.filtered(lambda m: m.code == "complaint_rate")
        if metric and complaints:
            metric.process_id = complaints


def _old_values(cr, column):
    """(company id, value) of a company column the fields no longer store."""
    if not column_exists(cr, "res_company", column):
        return []
    cr.execute(SQL("SELECT id, %s FROM res_company WHERE %s IS NOT NULL",
                   SQL.identifier(column), SQL.identifier(column)))
    return cr.fetchall()


def _company_targets(env):
    metrics = env["csp.process.metric"]
    for column, code in COLUMNS.items():
        for company_id, value in _old_values(env.cr, column):
            metric = metrics._csp_find(code, env["res.company"].browse(company_id))
            if metric and metric.target != value:
                env["csp.process.target"].create({
                    "metric_id": metric.id, "company_id": company_id, "target": value})


def _role_holders(env):
    rep = env.ref("customer_service_process.role_sales_manager", raise_if_not_found=False)
    if rep:
        rep.assign_to = "record"
    for column, xmlid in HOLDERS.items():
        for company_id, user_id in _old_values(env.cr, column):
            user = env["res.users"].browse(user_id)
            company = env["res.company"].browse(company_id)
            if user.exists() and company in user.company_ids:
                env["csp.process.role"]._csp_set_holder(xmlid, company, user)
