// A row of mutually exclusive options drawn as one segmented control (time window, mains
// frequency, replay speed, inference backend, WASM threads, what to train). It is the WAI-ARIA
// radio group (https://www.w3.org/WAI/ARIA/apg/patterns/radio/): one Tab stop, the checked option
// (a roving tabindex), so Tab moves past the group instead of through each of its options; the
// arrow keys move to the next or previous option and select it, wrapping; Home and End go to the
// first and last; disabled options are skipped. The arrows, Home and End are taken (preventDefault),
// so the window-level shortcuts that use them (a replay's seek) leave a focused group alone.
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { segmentedTabStop, segmentedTarget } from './segmented-keys';

export interface SegmentedOption<T> {
  value: T;
  label: ComponentChildren;
  testid?: string;
  disabled?: boolean;
  /** A tooltip (why an option is disabled). */
  title?: string;
}

interface Props<T> {
  /** The group's accessible name. */
  label: string;
  value: T;
  options: readonly SegmentedOption<T>[];
  onChange: (value: T) => void;
  /** Every option disabled (settings locked while something runs). */
  disabled?: boolean;
  title?: string;
  testid?: string;
}

export function Segmented<T>({ label, value, options, onChange, disabled, title, testid }: Props<T>) {
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  buttons.current.length = options.length;
  const enabled = options.map((o) => !disabled && !o.disabled);
  const checked = options.findIndex((o) => o.value === value);
  const stop = segmentedTabStop(checked, enabled);
  const group = useRef<HTMLDivElement>(null);
  // The option this group last chose (arrow key or click) until the value shows it: a value that
  // comes back later (the replay's speed is checked from the core's status) may first show an older
  // choice, and the focus must not jump to it under the user's next arrow key.
  const asked = useRef<{ value: T } | null>(null);
  // A choice made from elsewhere while the focus is in the group (the [ ] or + - shortcuts) takes the
  // focus along: it stays on the checked option, so the next arrow moves from there. A layout effect,
  // so the focus has moved before the next key is handled, not a frame later.
  useLayoutEffect(() => {
    if (asked.current) {
      if (asked.current.value !== value) return;
      asked.current = null;
    }
    const b = buttons.current[checked];
    if (b && document.activeElement !== b && group.current?.contains(document.activeElement)) b.focus();
  }, [checked]);
  const choose = (i: number) => {
    asked.current = options[i].value === value ? null : { value: options[i].value };
    onChange(options[i].value);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const from = buttons.current.findIndex((b) => b !== null && b === e.target);
    if (from < 0) return;
    const to = segmentedTarget(e.key, from, enabled);
    if (to === null) return;
    e.preventDefault();
    buttons.current[to]?.focus();
    choose(to);
  };
  // Focus gone from the group, it has nothing to follow; a choice the app refused is forgotten.
  const leave = (e: FocusEvent) => {
    if (!group.current?.contains(e.relatedTarget as Node | null)) asked.current = null;
  };
  return (
    <div ref={group} class="segmented" role="radiogroup" aria-label={label} title={title} onKeyDown={onKeyDown} onFocusOut={leave} data-testid={testid}>
      {options.map((o, i) => (
        <button
          key={String(o.value)}
          ref={(b) => {
            buttons.current[i] = b;
          }}
          type="button"
          role="radio"
          aria-checked={i === checked}
          tabIndex={i === stop ? 0 : -1}
          class={i === checked ? 'active' : ''}
          disabled={!enabled[i]}
          title={o.title}
          onClick={() => choose(i)}
          data-testid={o.testid}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}
