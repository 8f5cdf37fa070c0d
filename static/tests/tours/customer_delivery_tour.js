import { registry } from "@web/core/registry";
import { drawSignature } from "./tour_helpers";

// The customer opens the link of his dispatch notice on his phone, draws his
// signature and confirms the receipt.
registry.category("web_tour.tours").add("csp_customer_confirms_delivery", {
    steps: () => [
        {
            content: "the delivered items are listed",
            trigger: ".o_csp_delivered_items td:contains('Test spare part')",
        },
        {
            content: "his name is filled in",
            trigger: ".o_csp_confirm_form .o_web_sign_name_input:value('Rep One Customer')",
        },
        {
            content: "he chooses to draw",
            trigger: ".o_csp_confirm_form .o_web_sign_draw_button",
            run: "click",
        },
        {
            content: "and draws his signature",
            trigger: ".o_csp_confirm_form .o_web_sign_draw_button.active",
            run() {
                drawSignature(".o_csp_confirm_form canvas.o_web_sign_signature");
            },
        },
        {
            content: "the signature is drawn",
            trigger: ".o_csp_confirm_form canvas.o_web_sign_signature",
            run: "canvasNotEmpty",
        },
        {
            content: "confirm the receipt",
            trigger: ".o_csp_confirm_form .o_portal_sign_submit:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "the answer is recorded",
            trigger: ".o_csp_delivery_done",
        },
    ],
});
