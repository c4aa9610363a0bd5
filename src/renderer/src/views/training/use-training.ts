// The Training view's state: the run list (refreshed on status pushes), the selected run's record
// (loaded once, then extended by the live metric, progress and log pushes).
import { useEffect, useState } from 'preact/hooks';
import type { TrainingOverview } from '../../../../shared/ipc/training.schema';
import type { RunDetail } from '../../../../shared/train/job.types';
import type { MetricRecord, RunProgress } from '../../../../shared/train/train.types';
import { withMetric } from '../../../../shared/train/metric-records';
import type { HeartMindClient } from '../../transport/client';
import { messageOf } from '../../shell/error-message';
import { useRequest } from '../../shell/use-request';

export function useOverview(client: HeartMindClient): { overview: TrainingOverview | null; error: string | null; refresh(): void } {
  const { value: overview, error, refresh: reload } = useRequest(() => client.invoke('hm:training:list'), [client]);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const refresh = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        reload();
      }, 200);
    };
    const offs = [client.on('training:status', refresh), client.onConnection((s) => s === 'open' && refresh())];
    return () => {
      offs.forEach((o) => o());
      if (timer) clearTimeout(timer);
    };
  }, [client]);
  return { overview, error, refresh: reload };
}

export interface LiveRun {
  detail: RunDetail | null;
  metrics: MetricRecord[];
  progress: RunProgress | null;
  log: string[];
  error: string | null;
}

const MAX_LOG_LINES = 2000;

export function useRun(client: HeartMindClient, id: string | null, version: number): LiveRun {
  const [state, setState] = useState<LiveRun>({ detail: null, metrics: [], progress: null, log: [], error: null });
  useEffect(() => {
    if (!id) {
      setState({ detail: null, metrics: [], progress: null, log: [], error: null });
      return;
    }
    // Another run: drop the previous one's record at once (its charts and export state must not show under this run's name).
    setState((s) => (s.detail?.status.id === id ? s : { detail: null, metrics: [], progress: null, log: [], error: null }));
    let live = true;
    client
      .invoke('hm:training:get', { id })
      .then((d) => {
        if (!live) return;
        setState({ detail: d, metrics: d.metrics, progress: d.status.progress, log: d.log.split('\n').filter(Boolean).slice(-MAX_LOG_LINES), error: null });
      })
      .catch((e) => live && setState((s) => ({ ...s, error: messageOf(e) })));
    const offs = [
      client.on('training:metric', (m) => m.runId === id && setState((s) => ({ ...s, metrics: withMetric(s.metrics, m.record) }))),
      client.on('training:progress', (m) => m.runId === id && setState((s) => ({ ...s, progress: m.progress }))),
      client.on('training:log', (m) => m.runId === id && setState((s) => ({ ...s, log: [...s.log, `${new Date().toISOString()} ${m.level === 'info' ? '' : `${m.level.toUpperCase()} `}${m.message}`].slice(-MAX_LOG_LINES) }))),
    ];
    return () => {
      live = false;
      offs.forEach((o) => o());
    };
  }, [client, id, version]);
  return state;
}

export function formatEta(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h) return `${h} h ${m} min left`;
  if (m) return `${m} min ${Math.floor(s % 60)} s left`;
  return `${Math.max(0, Math.round(s))} s left`;
}

export function fmt3(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(3);
}
