// Re-renders a panel when the live store changes, at most `maxHz` times a second: the store
// changes tens of times a second, a panel needs a few updates to look live.
import { useEffect, useState } from 'preact/hooks';
import type { LiveStore } from './live-store';

export function useLive(store: LiveStore, maxHz = 4): number {
  const [version, setVersion] = useState(store.version);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let last = 0;
    const onChange = () => {
      if (timer) return;
      const wait = Math.max(0, 1000 / maxHz - (performance.now() - last));
      timer = setTimeout(() => {
        timer = null;
        last = performance.now();
        setVersion(store.version);
      }, wait);
    };
    const unsubscribe = store.subscribe(onChange);
    onChange();
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [store, maxHz]);
  return version;
}
