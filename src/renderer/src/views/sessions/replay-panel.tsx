// Replay controls and the session timeline. The timeline shows markers (lines; one with a
// duration also spans it, lightly), self-reports (dots) and gaps (shaded); click or drag on it to seek. Keyboard: Space play/pause, ←/→ seek 5 s
// (Shift: 30 s), Home/End, +/- change speed.
import { useEffect, useRef, useState } from 'preact/hooks';
import { REPLAY_SPEEDS, type ReplaySpeed, type ReplayStatus, type SessionTimeline } from '../../../../shared/session.types';
import { GAP_REASON_TEXT } from '../../../../shared/stream.types';
import type { HeartMindClient } from '../../transport/client';
import { messageOf } from '../../shell/error-message';
import { eventTimeText, formatDuration, plural } from './format';
import { isShortcutKey } from '../../shell/shortcuts';
import { Segmented } from '../../shell/segmented';
import { usePushedStatus } from './use-pushed-status';

export function useReplayStatus(client: HeartMindClient): ReplayStatus | null {
  return usePushedStatus<ReplayStatus>(client, 'sessions:replay', 'hm:sessions:replay-status');
}

const speedLabel = (s: ReplaySpeed) => (s === 'max' ? 'max' : `${s}×`);

export function Timeline({ timeline, position, onSeek }: { timeline: SessionTimeline; position: number | null; onSeek(time: number): void }) {
  const ref = useRef<SVGSVGElement>(null);
  const { startTime, endTime } = timeline;
  const span = Math.max(1e-6, endTime - startTime);
  const x = (t: number) => `${(100 * Math.min(1, Math.max(0, (t - startTime) / span))).toFixed(3)}%`;
  const timeAt = (clientX: number) => {
    const r = ref.current!.getBoundingClientRect();
    return startTime + (span * Math.min(r.width, Math.max(0, clientX - r.left))) / Math.max(1, r.width);
  };
  /** Where the pointer went down (clientX) while it is held; null when not. */
  const downAt = useRef<number | null>(null);
  const pos = position ?? startTime;
  return (
    <div class="timeline">
      <svg
        ref={ref}
        class="timeline-svg"
        role="slider"
        tabIndex={0}
        aria-label="Replay position"
        aria-valuemin={0}
        aria-valuemax={Math.round(span)}
        aria-valuenow={Math.round(pos - startTime)}
        aria-valuetext={`${formatDuration(pos - startTime)} of ${formatDuration(span)}`}
        data-testid="timeline"
        onPointerDown={(e) => {
          downAt.current = e.clientX;
          (e.currentTarget as Element).setPointerCapture(e.pointerId);
          onSeek(timeAt(e.clientX));
        }}
        onPointerUp={(e) => {
          // A drag seeks again where it ends; a click has already sought (each seek restarts the pipeline's streams).
          if (downAt.current !== null && Math.abs(e.clientX - downAt.current) >= 1) onSeek(timeAt(e.clientX));
          downAt.current = null;
        }}
      >
        <rect class="tl-track" x="0" y="14" width="100%" height="12" rx="3" />
        {timeline.gaps.map((g, i) => (
          <rect key={`g${i}`} class={`tl-gap tl-gap-${g.modality}`} x={x(g.startTime)} y="10" width={`${Math.max(0.2, (100 * (g.endTime - g.startTime)) / span)}%`} height="20">
            <title>
              {GAP_REASON_TEXT[g.reason] ?? g.reason} ({g.streamKey}) at {eventTimeText(g.startTime - startTime)}: {g.missingSamples} samples, {(g.endTime - g.startTime).toFixed(2)} s
            </title>
          </rect>
        ))}
        <rect class="tl-played" x="0" y="14" width={x(pos)} height="12" rx="3" />
        {timeline.markers.map((m) => (
          <g key={`m${m.id}`}>
            {m.duration > 0 && (
              // An event with a duration (an EDF+ annotation, a stimulus block): a band under the track, which stays readable.
              <rect class="tl-marker-span" x={x(m.time)} y="29" width={`${Math.max(0.2, (100 * Math.min(m.duration, endTime - m.time)) / span)}%`} height="5" />
            )}
            <line class="tl-marker" x1={x(m.time)} x2={x(m.time)} y1="4" y2="36">
              <title>
                {m.label} ({m.source}) at {eventTimeText(m.time - startTime)}
                {m.duration > 0 && ` for ${m.duration.toFixed(m.duration < 10 ? 1 : 0)} s`}
              </title>
            </line>
          </g>
        ))}
        {timeline.selfReports.map((r) => (
          <circle key={`r${r.id}`} class="tl-report" cx={x(r.time)} cy="6" r="4">
            <title>
              SAM V{r.valence} A{r.arousal} D{r.dominance} {r.text} at {eventTimeText(r.time - startTime)}
            </title>
          </circle>
        ))}
        <line class="tl-playhead" x1={x(pos)} x2={x(pos)} y1="0" y2="40" />
      </svg>
      <div class="timeline-legend small muted">
        <span>{formatDuration(pos - startTime)}</span>
        <span>
          {plural(timeline.markers.length, 'marker')} · {plural(timeline.selfReports.length, 'self-report')} · {plural(timeline.gaps.length, 'gap')}
        </span>
        <span>{formatDuration(span)}</span>
      </div>
    </div>
  );
}

export function ReplayPanel({ client, status }: { client: HeartMindClient; status: ReplayStatus }) {
  const [timeline, setTimeline] = useState<SessionTimeline | null>(null);
  const [error, setError] = useState<string | null>(null);
  const sessionId = status.sessionId;

  useEffect(() => {
    if (sessionId === null) return;
    let live = true;
    client
      .invoke('hm:sessions:timeline', { sessionId })
      .then((t) => live && setTimeline(t))
      .catch((err) => live && setError(messageOf(err)));
    // Markers added while reviewing show up at once.
    const off = client.on('sessions:marker', (m) => {
      if (m.marker.sessionId === sessionId && m.marker.id !== null) {
        setTimeline((t) => (t && !t.markers.some((x) => x.id === m.marker.id) ? { ...t, markers: [...t.markers, m.marker as (typeof t.markers)[number]] } : t));
      }
    });
    return () => {
      live = false;
      off();
    };
  }, [client, sessionId]);

  const act = async (fn: () => Promise<unknown>) => {
    try {
      setError(null);
      await fn();
    } catch (err) {
      setError(messageOf(err));
    }
  };
  // The latest status pushed, as rendered: the keys read it here, not from the status their listener
  // was registered with (re-registered only after the paint: Home then → → → right after stepped
  // from the position before Home, 318 s instead of 15).
  const latest = useRef(status);
  latest.current = status;
  const playing = status.state === 'playing';
  const toggle = () => act(() => client.invoke(latest.current.state === 'playing' ? 'hm:sessions:replay-pause' : 'hm:sessions:replay-play'));
  // ←/→ step from where the previous press sent the playhead while its seek is on its way: three
  // quick presses each stepped from the last position pushed, and moved it 5 s, not 15 (a held key).
  const seekTarget = useRef<number | null>(null);
  const seeks = useRef(0);
  const seek = (time: number) => {
    seekTarget.current = time;
    seeks.current++;
    return act(async () => {
      try {
        await client.invoke('hm:sessions:replay-seek', { time });
      } finally {
        // The status the seek pushed (before its answer) is the base again.
        if (--seeks.current === 0) seekTarget.current = null;
      }
    });
  };
  // + and - step from the speed the previous press asked for until the core's status shows it: two
  // quick presses both stepped from the last status pushed, so one step was lost (1× + + gave 2×).
  const speedTarget = useRef<ReplaySpeed | null>(null);
  const speedRequests = useRef(0);
  const shownSpeed = useRef(status.speed);
  shownSpeed.current = status.speed;
  useEffect(() => {
    // The status caught up, or (nothing of ours in flight) another page or the core changed it: the status is the base again.
    if (speedTarget.current === status.speed || speedRequests.current === 0) speedTarget.current = null;
  }, [status.speed]);
  const setSpeed = (speed: ReplaySpeed) => {
    speedTarget.current = speed;
    speedRequests.current++;
    return act(async () => {
      try {
        const s = await client.invoke('hm:sessions:replay-speed', { speed });
        // The last answer is the core's speed; it stays the base until the push that carries it arrives.
        if (speedRequests.current === 1) speedTarget.current = s.speed === shownSpeed.current ? null : s.speed;
      } catch (err) {
        if (speedRequests.current === 1) speedTarget.current = null;
        throw err;
      } finally {
        speedRequests.current--;
      }
    });
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const status = latest.current;
      if (!isShortcutKey(e) || status.startTime === null) return;
      const end = status.endTime ?? Infinity;
      const pos = Math.min(end, Math.max(status.startTime, seekTarget.current ?? status.position ?? status.startTime));
      const step = e.shiftKey ? 30 : 5;
      const i = REPLAY_SPEEDS.indexOf(speedTarget.current ?? status.speed);
      if (e.key === ' ') void toggle();
      else if (e.key === 'ArrowRight') void seek(pos + step);
      else if (e.key === 'ArrowLeft') void seek(pos - step);
      else if (e.key === 'Home') void seek(status.startTime);
      else if (e.key === 'End') void seek(status.endTime ?? pos);
      else if ((e.key === '+' || e.key === '=') && i < REPLAY_SPEEDS.length - 1) void setSpeed(REPLAY_SPEEDS[i + 1]);
      else if (e.key === '-' && i > 0) void setSpeed(REPLAY_SPEEDS[i - 1]);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [client]);

  return (
    <section class="panel replay-panel" aria-label="Replay" data-testid="replay-panel" data-state={status.state}>
      <div class="panel-header">
        <h2>Replay</h2>
        <span class="badge" data-testid="replay-state">
          {status.state}
        </span>
        <div class="panel-tools">
          <button type="button" class="btn" onClick={() => void toggle()} data-testid="replay-toggle" aria-keyshortcuts="Space">
            {playing ? '❚❚ Pause' : '▶ Play'}
          </button>
          <Segmented
            label="Replay speed (+ and - keys)"
            value={status.speed}
            onChange={(s) => void setSpeed(s)}
            options={REPLAY_SPEEDS.map((s) => ({ value: s, label: speedLabel(s), testid: `speed-${s}` }))}
          />
          <button type="button" class="btn" onClick={() => void act(() => client.invoke('hm:sessions:replay-close'))} data-testid="replay-close">
            Close
          </button>
        </div>
      </div>
      {timeline ? <Timeline timeline={timeline} position={status.position} onSeek={(t) => void seek(t)} /> : <p class="muted small">Loading the timeline…</p>}
      <p class="muted small">The replay feeds the live pipeline: open the Live view to see its traces, windows and features. Space play/pause · ←/→ 5 s · Shift 30 s · +/- speed.</p>
      {(error || status.error) && (
        <p class="form-error" role="alert">
          {error ?? status.error}
        </p>
      )}
    </section>
  );
}
