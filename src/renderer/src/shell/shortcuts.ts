// The app's single-key shortcuts (M marker, S self-report, Space/arrows in a replay, [ ] time
// window) listen on the window, so they must not take keys that belong to the control in focus:
// a form field takes every key; a button, link or radio takes Space and Enter (its own
// activation: a keyboard user who tabs to "Close" and presses Space means Close); a widget that
// handled a key itself says so with preventDefault; a dialog (the SAM panel) takes every key, as a
// form does: a participant rating a scale who pressed M put a marker into the recording (a key
// the scale does not use, so it went on to the window), '[' changed the time window behind it.

const ACTIVATES_ON_SPACE = 'button, a[href], summary, [role="button"], [role="radio"], [role="tab"], [role="checkbox"], [role="menuitem"]';

/** Whether a window-level shortcut may act on this key event. */
export function isShortcutKey(e: KeyboardEvent): boolean {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return false;
  const t = e.target;
  if (!(t instanceof Element)) return true;
  if (t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement || (t as HTMLElement).isContentEditable) return false;
  if (t.closest('[role="dialog"], dialog')) return false;
  return !((e.key === ' ' || e.key === 'Enter') && t.closest(ACTIVATES_ON_SPACE));
}
