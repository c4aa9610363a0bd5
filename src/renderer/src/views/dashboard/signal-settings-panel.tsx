// Signal settings: mains frequency and notch, the EEG and ECG pass-bands, window length and hop.
// Applied by the core to every stream at once (filters restart as after a gap) and kept across
// restarts; a recording stores each change, a replay runs under the settings it was recorded with.
import { useEffect, useRef, useState } from 'preact/hooks';
import { MAX_WINDOW_SEC, settingsLockedBy, type SignalSettings } from '../../../../shared/pipeline/signal-settings';
import { MAX_BRIDGE_SEC } from '../../../../shared/pipeline/pipeline-config';
import type { HeartMindClient } from '../../transport/client';
import type { LiveStore } from '../../live/live-store';
import { useLive } from '../../live/use-live';
import { messageOf } from '../../shell/error-message';
import { useFocusThroughBusy } from '../../shell/focus-return';
import { Segmented } from '../../shell/segmented';

type Form = Record<'eegLow' | 'eegHigh' | 'ecgLow' | 'ecgHigh' | 'windowSec' | 'hopSec' | 'bridgeMs', string> & { mainsHz: 50 | 60; notch: boolean };

const toForm = (s: SignalSettings): Form => ({
  mainsHz: s.mainsHz,
  notch: s.notch,
  eegLow: String(s.eegBandHz[0]),
  eegHigh: String(s.eegBandHz[1]),
  ecgLow: String(s.ecgBandHz[0]),
  ecgHigh: String(s.ecgBandHz[1]),
  windowSec: String(s.windowSec),
  hopSec: String(s.hopSec),
  bridgeMs: String(s.bridgeMs),
});

const fromForm = (f: Form): SignalSettings => ({
  mainsHz: f.mainsHz,
  notch: f.notch,
  eegBandHz: [Number(f.eegLow), Number(f.eegHigh)],
  ecgBandHz: [Number(f.ecgLow), Number(f.ecgHigh)],
  windowSec: Number(f.windowSec),
  hopSec: Number(f.hopSec),
  bridgeMs: Number(f.bridgeMs),
});

const same = (a: Form, b: Form) => (Object.keys(a) as (keyof Form)[]).every((k) => a[k] === b[k]);

export function SignalSettingsPanel({ live, client }: { live: LiveStore; client: HeartMindClient }) {
  useLive(live, 2);
  const current = live.settings;
  const [form, setForm] = useState<Form | null>(null);
  /** The settings the form was filled from: the form follows the core until the user edits it. */
  const [base, setBase] = useState<SignalSettings | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Applied, the Apply button stays disabled (nothing left to apply): the focus goes to the line
  // saying what is in force.
  const summary = useRef<HTMLSpanElement>(null);
  const holdFocus = useFocusThroughBusy(busy, () => summary.current);
  useEffect(() => {
    if (!current) return;
    if (!form || !base || same(form, toForm(base))) setForm(toForm(current));
    setBase(current);
  }, [current]);
  if (!current || !form) return null;
  const locked = settingsLockedBy([...live.devices.values()]);
  const dirty = !same(form, toForm(current));
  const set = <K extends keyof Form>(k: K, v: Form[K]) => {
    setForm({ ...form, [k]: v });
    setError(null);
  };
  const apply = async (e: Event) => {
    e.preventDefault();
    holdFocus();
    setBusy(true);
    try {
      const s = await client.invoke('hm:pipeline:set-settings', fromForm(form));
      setForm(toForm(s));
      setError(null);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  const num = (k: 'eegLow' | 'eegHigh' | 'ecgLow' | 'ecgHigh' | 'windowSec' | 'hopSec' | 'bridgeMs', label: string, attrs: { min: number; max: number; step: number | 'any' }) => (
    <label>
      <span>{label}</span>
      <input type="number" {...attrs} value={form[k]} disabled={!!locked || busy} onInput={(e) => set(k, (e.target as HTMLInputElement).value)} data-testid={`signal-${k}`} />
    </label>
  );
  return (
    <section class="panel" aria-label="Signal settings" data-testid="signal-settings">
      <header class="panel-header">
        <h2>Signal settings</h2>
        <span class="muted small" ref={summary} tabIndex={-1} data-testid="signal-summary">
          mains {current.mainsHz} Hz{current.notch ? ' notched' : ''} · windows {current.windowSec} s / {current.hopSec} s
        </span>
      </header>
      <form class="signal-settings" onSubmit={apply}>
        <Segmented
          label="Mains frequency"
          value={form.mainsHz}
          onChange={(hz) => set('mainsHz', hz)}
          disabled={!!locked || busy}
          options={([50, 60] as const).map((hz) => ({ value: hz, label: `${hz} Hz`, testid: `signal-mains-${hz}` }))}
        />
        <label class="inline">
          <input type="checkbox" checked={form.notch} disabled={!!locked || busy} onChange={(e) => set('notch', (e.target as HTMLInputElement).checked)} data-testid="signal-notch" />
          <span>Notch mains</span>
        </label>
        <div class="device-settings">
          {num('eegLow', 'EEG high-pass (Hz, 0 = none)', { min: 0, max: 99, step: 'any' })}
          {num('eegHigh', 'EEG low-pass (Hz)', { min: 1, max: 99, step: 'any' })}
          {num('ecgLow', 'ECG high-pass (Hz, 0 = none)', { min: 0, max: 99, step: 'any' })}
          {num('ecgHigh', 'ECG low-pass (Hz)', { min: 1, max: 99, step: 'any' })}
          {num('windowSec', 'Window (s)', { min: 1, max: MAX_WINDOW_SEC, step: 1 })}
          {num('hopSec', 'Hop (s)', { min: 1, max: MAX_WINDOW_SEC, step: 1 })}
          {num('bridgeMs', 'Bridge losses up to (ms, 0 = off)', { min: 0, max: MAX_BRIDGE_SEC * 1000, step: 1 })}
        </div>
        <div class="signal-actions">
          <button type="submit" class="btn btn-small" disabled={!!locked || busy || !dirty} data-testid="signal-apply">
            Apply
          </button>
          <button type="button" class="btn btn-small" disabled={busy || !dirty} onClick={() => setForm(toForm(current))}>
            Revert
          </button>
        </div>
        {locked && <p class="muted small" role="status">{locked}.</p>}
        {error && (
          <p class="device-problem" role="alert" data-testid="signal-error">
            {error}
          </p>
        )}
        <p class="muted small">Applying restarts every stream's filters (a second of warm-up); models read the window length they were trained on.</p>
      </form>
    </section>
  );
}
