{
    "name": "Customer Service Process",
    "summary": "Quotation to payment for a make-to-order manufacturer: feasibility, "
    "production, confirmed delivery, survey, complaints and dunning, measured "
    "against the company's targets.",
    "version": "19.0.1.3.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "customer_service_process developers",
    "website": "https://github.com/customer-service-process/customer_service_process",
    "application": True,
    "depends": [
        "sale_management",
        "sale_stock",
        "sale_mrp",
        "sale_margin",
        "mrp",
        "stock",
        "stock_delivery",
        "account",
        "survey",
        "portal",
        "utm",
    ],
    "data": [
        # Security
        "security/customer_service_process_security.xml",
        "security/ir.model.access.csv",
        # Data
        "data/csp_order_stage_data.xml",
        "data/csp_process_data.xml",
        "data/csp_feasibility_data.xml",
        "data/mail_template_data.xml",
        "data/csp_delivery_data.xml",
        "data/survey_data.xml",
        "data/csp_after_sales_data.xml",
        # Reports
        "reports/csp_process_card_report.xml",
        # Views
        "views/account_move_views.xml",
        "views/csp_complaint_views.xml",
        "views/csp_complaint_portal_templates.xml",
        "views/csp_delivery_dispute_views.xml",
        "views/csp_delivery_templates.xml",
        "views/csp_feasibility_check_views.xml",
        "views/csp_feasibility_templates.xml",
        "views/csp_order_stage_views.xml",
        "views/csp_order_stage_log_views.xml",
        "views/csp_process_views.xml",
        "views/mrp_production_views.xml",
        "views/product_category_views.xml",
        "views/product_template_views.xml",
        "views/res_company_views.xml",
        "views/res_config_settings_views.xml",
        "views/res_partner_views.xml",
        "views/sale_order_views.xml",
        "views/stock_picking_views.xml",
        # Wizards
        "wizards/csp_delivery_confirm_views.xml",
        "wizards/csp_feasibility_decision_views.xml",
        # Menus
        "views/customer_service_process_menus.xml",
    ],
    "demo": [
        "demo/res_users_demo.xml",
        "demo/company_demo.xml",
        "demo/product_demo.xml",
        "demo/res_partner_demo.xml",
        "demo/sale_order_demo.xml",
        "demo/csp_complaint_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "customer_service_process/static/tests/tours/**/*",
        ],
    },
}
