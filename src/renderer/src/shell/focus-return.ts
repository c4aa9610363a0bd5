// Giving the focus back to what opened a form, card or panel when it closes. Removed with its
// element, the focus falls to the page body, and a keyboard user's next Tab starts again at the top
// of the page.

/**
 * Whether the focus went down with something removed: it is on the page body, or nowhere, or
 * still inside `closing` (an element on its way out).
 */
export function focusLost(closing?: Element | null): boolean {
  const a = document.activeElement;
  return a === null || a === document.body || (closing?.contains(a) ?? false);
}

/** Focuses `opener` if the focus was lost and it is still on the page; a click elsewhere keeps its focus. */
export function returnFocus(opener: HTMLElement | null | undefined, closing?: Element | null): void {
  if (opener?.isConnected && focusLost(closing)) opener.focus();
}
