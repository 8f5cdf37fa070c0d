import { registry } from "@web/core/registry";
import { assertOnScreen, drawSignature } from "./tour_helpers";

// rep1 logs in on his phone: My Work, each count one tap from its records.
registry.category("web_tour.tours").add("csp_rep1_phone_home", {
    steps: () => [
        {
            content: "he lands on My Work, not in Discuss",
            trigger: ".o_csp_my_work .o_csp_work_row:contains('Deliveries to confirm')",
            run() {
                assertOnScreen(".o_csp_my_work .o_csp_work_row");
                if (document.querySelector(".o-mail-ChatWindow, .o-mail-Discuss")) {
                    throw new Error("a chat window covers his work");
                }
            },
        },
        {
            content: "he taps his deliveries to confirm",
            trigger: ".o_csp_work_row:contains('Deliveries to confirm')",
            run: "click",
        },
        {
            content: "each delivery is a card with its order and the Confirm button on screen",
            trigger: ".o_csp_my_deliveries .o_kanban_record:contains('Hydrobud'):contains('Order')",
            run() {
                assertOnScreen(".o_csp_my_deliveries .o_kanban_record button[name=action_csp_confirm_delivery]");
                const card = document.querySelector(".o_csp_my_deliveries .o_kanban_record");
                if (/\bDone\b/.test(card.textContent)) {
                    throw new Error("the warehouse's Done shows beside Shipped");
                }
            },
        },
    ],
});

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
            content: "and its process stage: one status bar, labelled badges",
            trigger: ".o_form_view .o_field_widget[name=csp_stage_id]",
            run() {
                const bars = document.querySelectorAll(".o_form_view .o_statusbar_status");
                if (bars.length !== 1) {
                    throw new Error(`${bars.length} status bars on the quotation`);
                }
                for (const badge of document.querySelectorAll(".o_csp_process_bar .o_field_badge")) {
                    if (badge.offsetParent && !badge.closest(".o_csp_badge")) {
                        throw new Error("a status badge without its label");
                    }
                }
            },
        },
        {
            content: "the Process tab is readable on the phone",
            trigger: ".o_notebook a[name=customer_process]",
            run() {
                assertOnScreen(".o_notebook a[name=customer_process]");
            },
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

// rep1 checks the feasibility of his quotation at the customer's and submits it.
registry.category("web_tour.tours").add("csp_rep1_phone_check_feasibility", {
    steps: () => [
        {
            content: "open his quotation (an offer, not the confirmed order)",
            trigger: ".o_kanban_view .o_kanban_record:contains('AquaTech Installations'):contains('Offer')",
            run: "click",
        },
        {
            content: "check its feasibility",
            trigger: ".o_form_view button[name=action_csp_check_feasibility]",
            run: "click",
        },
        {
            content: "the results show in the dialog, each with its reason",
            trigger: ".modal .o_field_widget[name=result_ids] .o_kanban_record:contains('Stock'):contains('In stock')",
        },
        {
            content: "submit the check",
            trigger: ".modal button.o_csp_submit",
            run: "click",
        },
        {
            content: "the dialog closes and the order shows its feasibility",
            trigger: "body:not(:has(.modal)) .o_form_view .o_field_widget[name=csp_approval_state]:contains('Approved'), body:not(:has(.modal)) .o_form_view .o_field_widget[name=csp_approval_state]:contains('Waiting')",
        },
    ],
});

// The head of sales decides on a pending order from his phone.
registry.category("web_tour.tours").add("csp_manager_phone_approve", {
    steps: () => [
        {
            content: "the order waits in his To Approve list",
            trigger: ".o_kanban_record:contains('Krakow Chemical'), .o_data_row:contains('Krakow Chemical')",
            run: "click",
        },
        {
            content: "approve it",
            trigger: ".o_form_view button[name=action_approve]",
            run: "click",
        },
        {
            content: "it is approved",
            trigger: ".o_form_view:not(:has(button[name=action_approve])) .o_field_widget[name=decided_by_id]:contains('Manager')",
        },
    ],
});

// rep1 at Hydrobud: the customer signs the delivery on the rep's phone.
registry.category("web_tour.tours").add("csp_rep1_phone_confirm_delivery", {
    steps: () => [
        {
            content: "the delivery waiting for confirmation shows as a card",
            trigger: ".o_kanban_view .o_kanban_record:contains('Hydrobud')",
            run: "click",
        },
        {
            content: "confirm the delivery",
            trigger: ".o_form_view button[name=action_csp_confirm_delivery]",
            run: "click",
        },
        {
            content: "the delivered items are listed",
            trigger: ".modal .o_field_widget[name=move_ids] .o_kanban_record:contains('impeller')",
        },
        {
            content: "the customer signs",
            trigger: ".modal .o_field_widget[name=signature] .o_signature",
            run: "click",
        },
        {
            content: "he draws",
            trigger: ".modal .o_web_sign_draw_button",
            run: "click",
        },
        {
            content: "his signature",
            trigger: ".modal .o_web_sign_draw_button.active",
            run() {
                drawSignature(".modal canvas.o_web_sign_signature");
            },
        },
        {
            content: "adopt it",
            trigger: ".modal .modal-footer .btn-primary:contains('Adopt'):enabled",
            run: "click",
        },
        {
            content: "the signature is on the confirmation",
            trigger: ".modal .o_field_widget[name=signature] img.o_signature",
        },
        {
            content: "confirm the receipt",
            trigger: ".modal button.o_csp_confirm_receipt",
            run: "click",
        },
        {
            content: "the delivery is confirmed",
            trigger: "body:not(:has(.modal)) .o_form_view .o_field_widget[name=csp_delivery_state]:contains('Confirmed')",
        },
    ],
});

// rep1 registers his customer's complaint on his phone.
registry.category("web_tour.tours").add("csp_rep1_phone_complaint", {
    steps: () => [
        {
            content: "new complaint",
            trigger: ".o-kanban-button-new",
            run: "click",
        },
        {
            content: "open the customer picker",
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
            content: "open the type picker",
            trigger: ".o_form_view .o_field_widget[name=type_id] input",
            run: "click",
        },
        {
            content: "a quality complaint",
            trigger: ".modal .o_kanban_record:contains('Quality')",
            run: "click",
        },
        {
            content: "what the customer says",
            trigger: ".o_form_view .o_field_widget[name=description] textarea",
            run: "edit The new impeller is noisy",
        },
        {
            content: "save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "saved with its reference",
            trigger: ".o_form_view .o_field_widget[name=name]:contains('CMP/')",
        },
    ],
});

// rep1 hands the new leaflet over at his customer's.
registry.category("web_tour.tours").add("csp_rep1_phone_hand_over", {
    steps: () => [
        {
            content: "the material to hand over is a card, its button on screen",
            trigger: ".o_kanban_view .o_kanban_record:contains('Hydrobud')",
            run() {
                assertOnScreen(".o_kanban_record button[name=action_hand_over]");
            },
        },
        {
            content: "hand it over",
            trigger: ".o_kanban_record:contains('Hydrobud') button[name=action_hand_over]",
            run: "click",
        },
        {
            content: "it leaves his list",
            trigger: ".o_view_nocontent:contains('Nothing to hand over'), .o_kanban_view:not(:has(.o_kanban_record:contains('Hydrobud')))",
        },
    ],
});
