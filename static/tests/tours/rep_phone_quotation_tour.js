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
            content: "the order opens with its customer",
            trigger: ".o_form_view .o_field_widget[name=partner_id]:contains('AquaTech Installations'), .o_form_view .o_field_widget[name=partner_id] input:value('AquaTech Installations')",
        },
        {
            content: "and its process stage",
            trigger: ".o_form_view .o_field_widget[name=csp_stage_id]",
        },
    ],
});

// rep1 finds his customer among his own (and no one else's).
registry.category("web_tour.tours").add("csp_rep1_phone_find_customer", {
    steps: () => [
        {
            content: "his customers show as cards",
            trigger: ".o_kanban_view .o_kanban_record:contains('Hydrobud')",
        },
        {
            content: "rep2's customers are not among them",
            trigger: ".o_kanban_view:not(:has(.o_kanban_record:contains('Baltic Ship Services')))",
        },
        {
            content: "he opens his customer",
            trigger: ".o_kanban_view .o_kanban_record:contains('Hydrobud')",
            run: "click",
        },
        {
            content: "the customer's card opens",
            trigger: ".o_form_view .o_field_widget[name=name] textarea:value('Hydrobud'), .o_form_view .o_field_widget[name=name] input:value('Hydrobud')",
        },
    ],
});

// rep1 creates a quotation for his customer on his phone.
registry.category("web_tour.tours").add("csp_rep1_phone_new_quotation", {
    steps: () => [
        {
            content: "rep2's quotations are not in his list",
            trigger: ".o_kanban_view:not(:has(.o_kanban_record:contains('Baltic Ship Services')))",
        },
        {
            content: "new quotation",
            trigger: ".o-kanban-button-new",
            run: "click",
        },
        {
            content: "open the customer picker (a full-screen list on a phone)",
            trigger: ".o_form_view .o_field_widget[name=partner_id] input",
            run: "click",
        },
        {
            content: "rep2's customers are not offered",
            trigger: ".modal .o_kanban_view:not(:has(.o_kanban_record:contains('Baltic Ship Services')))",
        },
        {
            content: "pick his customer",
            trigger: ".modal .o_kanban_record:contains('Hydrobud Sp. z o.o.')",
            run: "click",
        },
        {
            content: "the customer is set",
            trigger: ".o_form_view .o_field_widget[name=partner_id] input:value('Hydrobud Sp. z o.o.')",
        },
        {
            content: "save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "saved: the quotation has its number",
            trigger: ".o_form_view .o_field_widget[name=name]:contains('S0')",
        },
    ],
});
