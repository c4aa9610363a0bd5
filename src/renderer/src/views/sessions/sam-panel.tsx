// The Self-Assessment Manikin (Bradley & Lang, 1994): valence, arousal and dominance on 1–9.
// Keyboard first: 1–9 rate the focused scale, ←/→ move along it, ↑/↓ (or Tab) change scale,
// Enter submits, Escape closes. The time stored is when the panel opened (the moment asked about)
// unless "time of submit" is chosen.
import { useEffect, useId, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { SAM_MAX, SAM_MIN } from '../../../../shared/session.types';
import type { HeartMindClient } from '../../transport/client';
import { messageOf } from '../../shell/error-message';
import { returnFocus } from '../../shell/focus-return';

type Scale = 'valence' | 'arousal' | 'dominance';
const SCALES: { key: Scale; title: string; low: string; high: string }[] = [
  { key: 'valence', title: 'Valence', low: 'unhappy', high: 'happy' },
  { key: 'arousal', title: 'Arousal', low: 'calm', high: 'excited' },
  { key: 'dominance', title: 'Dominance', low: 'controlled', high: 'in control' },
];
const VALUES = Array.from({ length: SAM_MAX - SAM_MIN + 1 }, (_, i) => SAM_MIN + i);

/** A simple manikin: the mouth curves with valence, a burst grows with arousal, the figure grows with dominance. */
function Manikin({ scale, value }: { scale: Scale; value: number }) {
  const t = (value - SAM_MIN) / (SAM_MAX - SAM_MIN); // 0 … 1
  const size = scale === 'dominance' ? 0.55 + 0.45 * t : 0.8;
  const mouth = scale === 'valence' ? (t - 0.5) * 8 : 0;
  const r = 9 * size;
  return (
    <svg viewBox="0 0 40 40" width="34" height="34" aria-hidden="true">
      {scale === 'arousal' && t > 0 && <circle cx="20" cy="14" r={10 + 8 * t} fill="none" stroke="currentColor" stroke-dasharray="2 3" opacity={0.35 + 0.5 * t} />}
      <circle cx="20" cy="14" r={r} fill="none" stroke="currentColor" stroke-width="1.6" />
      <circle cx={20 - r * 0.35} cy={14 - r * 0.15} r="1" fill="currentColor" />
      <circle cx={20 + r * 0.35} cy={14 - r * 0.15} r="1" fill="currentColor" />
      <path d={`M${20 - r * 0.4} ${14 + r * 0.35} Q20 ${14 + r * 0.35 + mouth * size} ${20 + r * 0.4} ${14 + r * 0.35}`} fill="none" stroke="currentColor" stroke-width="1.4" />
      <path d={`M20 ${14 + r} V${34 - 6 * (1 - size)} M${20 - 8 * size} ${26} H${20 + 8 * size}`} stroke="currentColor" stroke-width="1.6" />
    </svg>
  );
}

export interface SamPanelProps {
  client: HeartMindClient;
  /**
   * Store into this session (the one recording as the panel opened, or one under review), even if
   * its recording stops before Save; default: the recording in progress, asked of the core.
   */
  sessionId?: number;
  onClose(): void;
  onSaved?(message: string): void;
}

export function SamPanel({ client, sessionId, onClose, onSaved }: SamPanelProps) {
  const [ratings, setRatings] = useState<Record<Scale, number | null>>({ valence: null, arousal: null, dominance: null });
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [useSubmitTime, setUseSubmitTime] = useState(false);
  // Timed on this page's own clock and sent as an age: the page may run on another machine (a
  // participant's tablet) whose clock is not the core's.
  const openedAt = useRef(performance.now());
  const firstRef = useRef<HTMLDivElement>(null);
  const panelRef = useRef<HTMLElement>(null);
  const idBase = useId();
  // The session recording when the panel opened: the report goes there even if the recording is
  // stopped before the participant saves (the end-of-session SAM was refused: "no session is recording").
  const openedIn = useRef<number | undefined>(sessionId);

  useEffect(() => {
    if (sessionId !== undefined) return;
    let live = true;
    client
      .invoke('hm:sessions:record-status')
      .then((s) => {
        if (live && s.state === 'recording' && s.sessionId !== null) openedIn.current ??= s.sessionId;
      })
      .catch(() => {}); // not known: the recording in progress when saved, as before
    return () => {
      live = false;
    };
  }, []);

  // A layout effect: the first scale has the focus as the panel appears, so the keys a participant
  // types at once rate it (after a plain effect, which waits for the next frame, '2' pressed right
  // away went to the page and the ratings shifted by one scale).
  useLayoutEffect(() => {
    // Focus goes back where it was (the Self-report button, the page) when the panel closes: it
    // was left on the removed panel, and a keyboard user had to find their way back from the top.
    const opener = document.activeElement as HTMLElement | null;
    firstRef.current?.focus();
    return () => {
      returnFocus(opener, panelRef.current);
    };
  }, []);

  const missing = SCALES.filter((s) => ratings[s.key] === null);
  const complete = missing.length === 0;
  const submit = async () => {
    if (busy) return;
    if (!complete) {
      // Enter with a scale unrated: said, and that scale focused (nothing happened before).
      setError(`Rate ${new Intl.ListFormat('en').format(missing.map((s) => s.title.toLowerCase()))} first (1–9).`);
      panelRef.current?.querySelector<HTMLElement>(`[data-testid="sam-${missing[0].key}"]`)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await client.invoke('hm:sessions:self-report', {
        valence: ratings.valence!,
        arousal: ratings.arousal!,
        dominance: ratings.dominance!,
        text: text.trim(),
        agoS: useSubmitTime ? undefined : (performance.now() - openedAt.current) / 1000,
        sessionId: openedIn.current,
      });
      onSaved?.(`Self-report saved (V${ratings.valence} A${ratings.arousal} D${ratings.dominance})`);
      onClose();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const onScaleKey = (scale: Scale, e: KeyboardEvent) => {
    const cur = ratings[scale];
    const set = (v: number) => {
      setRatings((r) => ({ ...r, [scale]: Math.min(SAM_MAX, Math.max(SAM_MIN, v)) }));
      setError(null);
    };
    if (/^[1-9]$/.test(e.key)) {
      set(Number(e.key));
      e.preventDefault();
      // Move on to the next scale, as a participant would.
      const next = (e.currentTarget as HTMLElement).parentElement?.nextElementSibling?.querySelector<HTMLElement>('[role="radiogroup"]');
      next?.focus();
    } else if (e.key === 'ArrowRight') {
      set((cur ?? 4) + 1);
      e.preventDefault();
    } else if (e.key === 'ArrowLeft') {
      set((cur ?? 6) - 1);
      e.preventDefault();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      // The scales stand one above the other: ↑/↓ go to the one above or below (they scrolled the
      // page instead).
      e.preventDefault();
      const row = (e.currentTarget as HTMLElement).parentElement;
      const to = e.key === 'ArrowDown' ? row?.nextElementSibling : row?.previousElementSibling;
      to?.querySelector<HTMLElement>('[role="radiogroup"]')?.focus();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      void submit();
    }
  };

  return (
    <section
      ref={panelRef}
      class="panel sam-panel"
      role="dialog"
      aria-label="Self-assessment"
      data-testid="sam-panel"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onClose();
        }
      }}
    >
      <div class="panel-header">
        <h2>Self-assessment (SAM)</h2>
        <span class="muted small">1–9 rate · ←/→ adjust · ↑/↓ or Tab scale · Enter save · Esc close</span>
        <div class="panel-tools">
          <button type="button" class="btn-icon" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </div>
      </div>
      {SCALES.map((s, i) => (
        <div class="sam-row" key={s.key}>
          <div class="sam-title">
            <strong>{s.title}</strong>
            <span class="muted small">
              {s.low} → {s.high}
            </span>
          </div>
          <div
            class="sam-scale"
            role="radiogroup"
            aria-label={`${s.title}, 1 ${s.low} to 9 ${s.high}`}
            tabIndex={0}
            // Focus stays on the group; the checked radio is its active descendant, so a screen
            // reader says the value on focus and as ←/→ change it (it said only the scale's name).
            aria-activedescendant={ratings[s.key] === null ? undefined : `${idBase}-${s.key}-${ratings[s.key]}`}
            ref={i === 0 ? firstRef : undefined}
            onKeyDown={(e) => onScaleKey(s.key, e)}
            data-testid={`sam-${s.key}`}
          >
            {VALUES.map((v) => (
              <button
                key={v}
                id={`${idBase}-${s.key}-${v}`}
                type="button"
                role="radio"
                tabIndex={-1}
                aria-checked={ratings[s.key] === v}
                aria-label={String(v)}
                class={`sam-option${ratings[s.key] === v ? ' selected' : ''}`}
                onClick={() => {
                  setRatings((r) => ({ ...r, [s.key]: v }));
                  setError(null);
                }}
              >
                {v % 2 === 1 ? <Manikin scale={s.key} value={v} /> : <span class="sam-dot" aria-hidden="true" />}
                <span class="sam-num">{v}</span>
              </button>
            ))}
          </div>
        </div>
      ))}
      <label class="sam-text">
        <span class="muted small">Anything to add (optional)</span>
        <textarea rows={2} value={text} maxLength={2000} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
      </label>
      <div class="sam-actions">
        <label class="small muted">
          <input type="checkbox" checked={useSubmitTime} onChange={(e) => setUseSubmitTime((e.target as HTMLInputElement).checked)} /> time of submit
          (default: when this panel opened)
        </label>
        <button type="button" class="btn btn-start" disabled={!complete || busy} onClick={() => void submit()} data-testid="sam-submit">
          Save self-report
        </button>
      </div>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
