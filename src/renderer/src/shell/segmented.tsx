// A row of mutually exclusive options drawn as one segmented control (time window, mains
// frequency, replay speed, inference backend, WASM threads, what to train). It is the WAI-ARIA
// radio group (https://www.w3.org/WAI/ARIA/apg/patterns/radio/): one Tab stop, the checked option
// (a roving tabindex), so Tab moves past the group instead of through each of its options; the
// arrow keys move to the next or previous option and select it, wrapping; Home and End go to the
// first and last; disabled options are skipped. The arrows, Home and End are taken (preventDefault),
// so the window-level shortcuts that use them (a replay's seek) leave a focused group alone.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
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
  // A choice made from elsewhere while the focus is in the group (the [ ] or + - shortcuts) takes the
  // focus along: it stays on the checked option, so the next arrow moves from there.
  useEffect(() => {
    const b = buttons.current[checked];
    if (b && document.activeElement !== b && group.current?.contains(document.activeElement)) b.focus();
  }, [checked]);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const from = buttons.current.findIndex((b) => b !== null && b === e.target);
    if (from < 0) return;
    const to = segmentedTarget(e.key, from, enabled);
    if (to === null) return;
    e.preventDefault();
    buttons.current[to]?.focus();
    onChange(options[to].value);
  };
  return (
    <div ref={group} class="segmented" role="radiogroup" aria-label={label} title={title} onKeyDown={onKeyDown} data-testid={testid}>
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
          onClick={() => onChange(o.value)}
          data-testid={o.testid}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}
