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

/**
 * Fail unless the element found by `selector` lies wholly within the
 * screen's width and its text is not cut (no ellipsis): what a user on a
 * phone can read and tap.
 */
export function assertOnScreen(selector) {
    const element = document.querySelector(selector);
    if (!element) {
        throw new Error(`${selector}: not on the page`);
    }
    const rect = element.getBoundingClientRect();
    if (rect.left < 0 || rect.right > window.innerWidth + 1 || rect.width === 0) {
        throw new Error(`${selector}: at x ${rect.left}-${rect.right} on a ${window.innerWidth} px screen`);
    }
    if (element.scrollWidth > element.clientWidth + 1) {
        throw new Error(`${selector}: its text is cut (${element.scrollWidth} > ${element.clientWidth} px)`);
    }
}
