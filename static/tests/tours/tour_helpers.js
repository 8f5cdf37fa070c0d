/**
 * Draw a signature on Odoo's signature pad as a finger would: a stroke of
 * pointer events across the canvas found by `selector`.
 */
export function drawSignature(selector) {
    const canvas = document.querySelector(selector);
    const rect = canvas.getBoundingClientRect();
    const point = (type, x, y) => canvas.dispatchEvent(new PointerEvent(type, {
        bubbles: true, cancelable: true, pointerId: 1, pointerType: "touch",
        isPrimary: true, buttons: type === "pointerup" ? 0 : 1,
        clientX: rect.left + x, clientY: rect.top + y,
    }));
    point("pointerdown", 10, 20);
    for (let step = 1; step <= 20; step++) {
        point("pointermove", 10 + step * 8, 20 + (step % 5) * 6);
    }
    point("pointerup", 170, 40);
}
