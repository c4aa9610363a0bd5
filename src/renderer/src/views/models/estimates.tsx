// Per task: the current estimate with its confidence, which modalities fed it, and the trend.
import { useEffect, useRef } from 'preact/hooks';
import type { TaskSpec } from '../../../../shared/model/model.types';
import type { InferenceState } from '../../inference/inference-service';
import { TrendChart } from './trend-chart';
import { fedText } from './model-text';

export function estimateOf(task: TaskSpec, p: number[]): { label: string; confidence: number } {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
  return { label: task.classes[best], confidence: p[best] };
}

function Trend({ task, state }: { task: TaskSpec; state: InferenceState }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<TrendChart | null>(null);
  useEffect(() => {
    chart.current = new TrendChart(canvas.current!, task);
    return () => chart.current?.destroy();
  }, [task.name]);
  useEffect(() => chart.current?.update(state.trend[task.name] ?? []), [state.windowsRun, task.name]);
  return (
    <div class="model-trend">
      <canvas ref={canvas} />
    </div>
  );
}

export function TaskEstimates({ state, showTrend }: { state: InferenceState; showTrend: boolean }) {
  const tasks = state.card?.config.tasks ?? [];
  const last = state.last;
  return (
    <div class="model-estimates">
      {tasks.map((t) => {
        const p = last?.probabilities[t.name];
        const est = p ? estimateOf(t, p) : null;
        return (
          <div class="model-task" key={t.name} data-testid={`estimate-${t.name}`}>
            <div class="tile-label">{t.description ?? t.name}</div>
            <div class="model-task-value">
              {est ? (
                <>
                  <span data-testid={`estimate-${t.name}-label`}>{est.label}</span>{' '}
                  <span class="tile-unit">{(100 * est.confidence).toFixed(0)} %</span>
                </>
              ) : (
                <span class="muted">waiting for a window…</span>
              )}
            </div>
            {p && t.kind === 'binary' && (
              // The fill is P(positive class), beside an answer that may be the other class ('rest 75 %'
              // over a quarter-full bar): its two ends name the classes, so the bar reads as where
              // the answer sits between them.
              <>
                <div class="model-bar" role="meter" aria-label={`P(${t.classes[1]})`} aria-valuemin={0} aria-valuemax={1} aria-valuenow={p[1]} title={`P(${t.classes[1]}) = ${p[1].toFixed(3)}`}>
                  <div class="model-bar-fill" style={{ width: `${(100 * p[1]).toFixed(1)}%` }} />
                </div>
                <div class="model-bar-ends" aria-hidden="true" data-testid={`estimate-${t.name}-ends`}>
                  <span>{t.classes[0]}</span>
                  <span>{t.classes[1]}</span>
                </div>
              </>
            )}
            {showTrend && <Trend task={t} state={state} />}
          </div>
        );
      })}
      {last && (
        <div class="muted model-fed" data-testid="model-fed">
          {fedText(last)}
        </div>
      )}
    </div>
  );
}
