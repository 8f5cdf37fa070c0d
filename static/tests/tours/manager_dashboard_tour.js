import { registry } from "@web/core/registry";

// The head of sales opens Dashboards: Process Targets is under Customer
// Service, its spreadsheet loads without an error, with its Month filter.
registry.category("web_tour.tours").add("csp_manager_dashboard", {
    steps: () => [
        {
            content: "the dashboard is listed under Customer Service",
            trigger: ".o_spreadsheet_dashboard_action .o_search_panel_section:contains('Customer Service') li:contains('Process Targets')",
            run: "click",
        },
        {
            content: "its spreadsheet is drawn",
            trigger: ".o_spreadsheet_dashboard_action .o-grid canvas",
        },
        {
            content: "the Month filter is in the control panel, on this month",
            trigger: ".o_spreadsheet_dashboard_action .o_control_panel .o_datetime_input, .o_spreadsheet_dashboard_action .o_control_panel button:contains('20')",
        },
    ],
});
