// One answer from the core, kept in state: fetched on mount, again on refresh() (the caller wires
// refresh to pushes and reconnections), with an answer that arrives after an unmount dropped.
import { useEffect, useState } from 'preact/hooks';
import { messageOf } from './error-message';

export function useRequest<T>(fetch: () => Promise<T>, deps: unknown[]): { value: T | null; setValue(v: T): void; error: string | null; refresh(): void } {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    fetch()
      .then((v) => {
        if (!live) return;
        setValue(v);
        setError(null);
      })
      .catch((e) => live && setError(messageOf(e)));
    return () => {
      live = false;
    };
  }, [...deps, version]);
  return { value, setValue, error, refresh: () => setVersion((v) => v + 1) };
}
