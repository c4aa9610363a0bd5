// The keyboard of a segmented option group (segmented.tsx), apart from the DOM so it is tested as
// plain functions: where an arrow, Home or End moves, and which option is the group's Tab stop.

/**
 * The option a key moves to from option `from`, skipping disabled ones and wrapping: null for a
 * key the group does not handle, or when no option is enabled.
 */
export function segmentedTarget(key: string, from: number, enabled: readonly boolean[]): number | null {
  const n = enabled.length;
  if (!enabled.some(Boolean)) return null;
  const step = (start: number, dir: 1 | -1): number => {
    for (let k = 1; k <= n; k++) {
      const i = (((start + dir * k) % n) + n) % n;
      if (enabled[i]) return i;
    }
    return start;
  };
  switch (key) {
    case 'ArrowRight':
    case 'ArrowDown':
      return step(from, 1);
    case 'ArrowLeft':
    case 'ArrowUp':
      return step(from, -1);
    case 'Home':
      return step(-1, 1);
    case 'End':
      return step(n, -1);
    default:
      return null;
  }
}

/** The option in the tab order: the checked one, or the first enabled one when that is disabled or none is checked. */
export function segmentedTabStop(checked: number, enabled: readonly boolean[]): number {
  return checked >= 0 && enabled[checked] ? checked : Math.max(0, enabled.indexOf(true));
}
