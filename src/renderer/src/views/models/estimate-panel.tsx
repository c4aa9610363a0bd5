// The live dashboard's estimate panel: the active model's current answers (or why there are none).
// Mounting it starts the page's inference service, so estimates run from the first screen.
import type { DashboardPanelProps } from '../dashboard/dashboard-panels';
import { TaskEstimates } from './estimates';
import { BackendLine, estimatesCurrent, SkippedNote, WindowError } from './models-view';
import { loadingText, refusedText } from './model-text';
import { useInference } from './use-inference';
import { offlineText } from '../../live/offline';
import { useLive } from '../../live/use-live';
import { plural } from '../../../../shared/plural';
import './models.css';

export default function EstimatePanel({ client, live }: DashboardPanelProps) {
  const { state } = useInference(client);
  useLive(live, 2);
  const r = state.readiness;
  // Without the core no window comes, and a skipped window has no answer: the answer on screen is
  // then an older one, dimmed and said to be so.
  const offline = offlineText(live);
  const current = estimatesCurrent(state, offline);
  return (
    <div class={`panel${current ? '' : ' stale'}`} data-testid="estimate-panel" data-stale={current ? undefined : 'true'}>
      <div class="panel-header">
        <h2>Estimates</h2>
        <div class="panel-tools">
          <BackendLine state={state} />
        </div>
      </div>
      {!r || (!r.activeId && state.models.every((m) => m.problems.length > 0)) ? (
        <div class="muted" data-testid="no-model">
          {/* Damaged folders are installed models that cannot be used: "none is installed" sent the user looking for a missing folder. */}
          {state.models.length
            ? `No usable model: ${plural(state.models.length, 'model')} found, none can be used (see Models): no estimates are shown.`
            : 'No trained model is installed: no estimates are shown.'}
        </div>
      ) : !r.activeId ? (
        // Usable models, none chosen: a model the user added never starts by itself (docs/model.md).
        <div class="muted" data-testid="no-model-selected">
          No model is selected: choose one with Use in <a href="#/models">Models</a> to see estimates.
        </div>
      ) : !r.ok ? (
        <div class="muted" data-testid="estimate-refused">
          {refusedText(state)}
        </div>
      ) : state.error ? (
        <div class="model-problems">{state.error}</div>
      ) : state.loaded ? (
        <>
          {/* Which model answers: the dashboard shows no name otherwise, and models can differ in what the same task name means. */}
          {state.card && (
            <div class="muted model-name" data-testid="estimate-model" title={state.card.description}>
              {state.card.name} {state.card.version}
            </div>
          )}
          <WindowError state={state} />
          <SkippedNote state={state} />
          {offline && state.last && <p class="stale-hint small">last estimate: {offline}</p>}
          <TaskEstimates state={state} showTrend={false} />
          {state.card && state.card.limitations.length > 0 && (
            // The card's limitations next to the output: the first in view, the rest one click away.
            <details class="model-limits" data-testid="estimate-limits">
              <summary>{state.card.limitations[0]}</summary>
              <ul class="model-notes">
                {state.card.limitations.slice(1).map((l) => (
                  <li key={l}>{l}</li>
                ))}
              </ul>
            </details>
          )}
        </>
      ) : (
        <div class="muted" data-testid={state.loading ? 'model-loading' : undefined}>
          {loadingText(state) ?? 'starting the model…'}
        </div>
      )}
    </div>
  );
}
