"""19.0.1.11.0: the cards' metrics have xmlids of their own (`metric_<code>`,
data/csp_process_data.xml), so that their names and units are translated
with the addon.  Before the data is loaded, each metric a database already
has is bound to its xmlid, the one on the card the data names first, else
any card's with that code: the data then finds it (noupdate: the company's
edits stay) instead of creating a second metric with the same code."""

MODULE = "customer_service_process"

# code: the card the data puts it on
CARDS = {
    "new_customers": "process_customer_service",
    "new_customers_growth": "process_customer_service",
    "materials_time": "process_customer_service",
    "sales_value": "process_customer_service",
    "sales_cost": "process_customer_service",
    "market_share": "process_customer_service",
    "orders_per_channel": "process_channels",
    "answer_time": "process_offer_to_acceptance",
    "offer_success": "process_offer_to_acceptance",
    "late_productions": "process_production",
    "fulfilment_time": "process_distribution",
    "nps": "process_feedback",
    "survey_response": "process_feedback",
    "dso": "process_receivables",
    "returns": "process_complaints",
    "returns_rate": "process_complaints",
    "complaints_in_time": "process_complaints",
    "complaint_rate": "process_complaints",
    "warranty_claims": "process_complaints",
}


def migrate(cr, version):
    if not version:
        return
    for code, card in CARDS.items():
        name = f"metric_{code}"
        cr.execute("SELECT 1 FROM ir_model_data WHERE module = %s AND name = %s", (MODULE, name))
        if cr.fetchone():
            continue
        # The data's card first, then a shared card, then any.
        cr.execute("""
            SELECT m.id
              FROM csp_process_metric m
              JOIN csp_process p ON p.id = m.process_id
              LEFT JOIN ir_model_data d ON d.model = 'csp.process' AND d.res_id = p.id
                                       AND d.module = %s AND d.name = %s
             WHERE m.code = %s
             ORDER BY d.id IS NULL, p.company_id IS NOT NULL, m.id
             LIMIT 1
        """, (MODULE, card, code))
        row = cr.fetchone()
        if row:
            cr.execute("""
                INSERT INTO ir_model_data (module, name, model, res_id, noupdate)
                VALUES (%s, %s, 'csp.process.metric', %s, TRUE)
            """, (MODULE, name, row[0]))
