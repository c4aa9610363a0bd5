// The visible list of errors (see app-errors.ts). Dismissable, keyboard reachable, announced.
import { useEffect, useState } from 'preact/hooks';
import { appErrors } from './app-errors';

export function ErrorBanner() {
  const [, setTick] = useState(0);
  useEffect(() => appErrors.subscribe(() => setTick((t) => t + 1)), []);
  const list = appErrors.list;
  if (list.length === 0) return null;
  return (
    <section class="error-banner" role="alert" aria-label="Errors" data-testid="error-banner">
      <ul>
        {list.map((e) => (
          <li key={e.id}>
            <span class="error-where">{e.where}</span> {e.message}
            {e.count > 1 && <span class="error-count"> ×{e.count}</span>}
            <button type="button" class="btn-icon" aria-label={`Dismiss: ${e.message}`} onClick={() => appErrors.dismiss(e.id)}>
              ×
            </button>
          </li>
        ))}
      </ul>
      {list.length > 1 && (
        <button type="button" class="btn btn-small" onClick={() => appErrors.clear()}>
          Dismiss all
        </button>
      )}
    </section>
  );
}
