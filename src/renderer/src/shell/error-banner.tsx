// The visible list of errors (see app-errors.ts). Dismissable, keyboard reachable, announced.
// Dismissing takes the button that had the focus away: the focus moves to the next error's
// Dismiss (the one before, after the last), or to the view when none is left, rather than
// falling to the page body and sending a keyboard user back to the top of the page.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { appErrors } from './app-errors';
import { focusLost } from './focus-return';

export function ErrorBanner() {
  const [, setTick] = useState(0);
  useEffect(() => appErrors.subscribe(() => setTick((t) => t + 1)), []);
  const listRef = useRef<HTMLUListElement>(null);
  /** The place of the Dismiss button just pressed, while the focus is to be moved on from it. */
  const dismissedAt = useRef<number | null>(null);
  const list = appErrors.list;
  useLayoutEffect(() => {
    const at = dismissedAt.current;
    if (at === null) return;
    dismissedAt.current = null;
    // The user may have moved on already (a click elsewhere): only a focus that went down with the button is moved.
    if (!focusLost()) return;
    const buttons = listRef.current?.querySelectorAll<HTMLElement>('.btn-icon');
    const next = buttons?.length ? buttons[Math.min(at, buttons.length - 1)] : document.getElementById('main');
    next?.focus();
  });
  if (list.length === 0) return null;
  return (
    <section class="error-banner" role="alert" aria-label="Errors" data-testid="error-banner">
      <ul ref={listRef}>
        {list.map((e, i) => (
          <li key={e.id}>
            <span class="error-where">{e.where}</span> {e.message}
            {e.count > 1 && <span class="error-count"> ×{e.count}</span>}
            <button
              type="button"
              class="btn-icon"
              aria-label={`Dismiss: ${e.message}`}
              onClick={() => {
                dismissedAt.current = i;
                appErrors.dismiss(e.id);
              }}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      {list.length > 1 && (
        <button
          type="button"
          class="btn btn-small"
          onClick={() => {
            dismissedAt.current = 0;
            appErrors.clear();
          }}
        >
          Dismiss all
        </button>
      )}
    </section>
  );
}
