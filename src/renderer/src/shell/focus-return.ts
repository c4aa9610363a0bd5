// Giving the focus back to what opened a form, card or panel when it closes, or to a control that
// was disabled while its action ran. Removed or disabled with its element, the focus falls to the
// page body, and a keyboard user's next Tab starts again at the top of the page.
import { useLayoutEffect, useRef } from 'preact/hooks';

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

/**
 * Keeps the keyboard focus through an action whose controls are disabled while it runs: Chromium
 * drops the focus of an element that becomes disabled to the page body, and a keyboard user's next
 * Tab starts again at the top of the page. Call the returned `hold()` as the action starts (it notes
 * what has the focus); once `busy` is over, the focus goes back there, or to `fallback()` when that
 * control stays disabled (an Apply with nothing left to apply).
 */
export function useFocusThroughBusy(busy: boolean, fallback?: () => HTMLElement | null): () => void {
  const held = useRef<HTMLElement | null>(null);
  useLayoutEffect(() => {
    const el = held.current;
    if (busy || !el) return;
    held.current = null;
    returnFocus(el.matches(':disabled') ? fallback?.() : el);
  }, [busy]);
  return () => {
    const a = document.activeElement;
    held.current = a instanceof HTMLElement && a !== document.body ? a : null;
  };
}
