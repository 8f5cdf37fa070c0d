import { registry } from "@web/core/registry";

// rep1 on his phone: the quotations of his customers show as cards; he opens
// one and sees its customer and lines.
registry.category("web_tour.tours").add("csp_rep1_phone_quotation", {
    steps: () => [
        {
            content: "the quotations show as cards at phone width",
            trigger: ".o_kanban_view .o_kanban_record:contains('AquaTech Installations')",
            run: "click",
        },
        {
            content: "the quotation opens with its customer",
            trigger: ".o_form_view .o_field_widget[name=partner_id] input:value('AquaTech Installations')",
        },
        {
            content: "and its lines",
            trigger: ".o_form_view .o_field_widget[name=order_line]:contains('Spare impeller kit CP-50')",
        },
    ],
});
