// The Training view: start a run (recipe or a dataset built here), follow it live, compare runs.
import { useEffect, useState } from 'preact/hooks';
import type { ViewProps } from '../../shell/views';
import { ErrorBoundary } from '../../shell/error-boundary';
import type { RunSummary } from '../../../../shared/train/job.types';
import type { RunProgress } from '../../../../shared/train/train.types';
import { NewRun } from './new-run';
import { RunDetail } from './run-detail';
import { useOverview, useRun } from './use-training';
import { armCell, comparisonArms } from './run-compare';
import { trainerState } from './trainer-state';
import './training.css';

/** `live`: the selected run's progress as pushed (the list itself is reread on status changes only). */
function RunsTable({ runs, selected, live, onSelect }: { runs: RunSummary[]; selected: string | null; live: RunProgress | null; onSelect(id: string): void }) {
  if (runs.length === 0) return <p class="muted">No runs yet.</p>;
  const arms = comparisonArms(runs);
  return (
    // A column per arm: wider than a small window, so the table scrolls sideways on its own (a named,
    // focusable region, for the arrow keys) instead of the whole view.
    <div class="table-scroll" role="region" aria-label="Runs, by arm" tabIndex={0}>
      <table class="runs-table" data-testid="runs-table">
        <thead>
          <tr>
            <th>run</th>
            <th>state</th>
            <th>dataset</th>
            {arms.map((a) => (
              <th key={a}>AUROC {a}</th>
            ))}
            <th>model</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id} class={r.id === selected ? 'row-active' : ''} onClick={() => onSelect(r.id)} data-run={r.id} data-state={r.state}>
              <td>
                <button type="button" class="link" onClick={() => onSelect(r.id)}>
                  {r.name}
                </button>
                <div class="muted small">{r.id}</div>
              </td>
              <td class={`state-${r.state}`}>{r.problem ? 'damaged' : r.state === 'running' ? `running ${(((r.id === selected && live) || r.progress).fraction * 100).toFixed(0)}%` : r.state}</td>
              <td>{r.problem ?? r.dataset ?? '–'}</td>
              {arms.map((a) => (
                <td key={a} class="num">
                  {armCell(r, a)}
                </td>
              ))}
              <td>{r.summary?.exportedAs ? (r.exportReplaced ? `${r.summary.exportedAs} (replaced by another run's)` : r.summary.exportedAs) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function TrainingView({ client }: ViewProps) {
  const { overview, error, refresh } = useOverview(client);
  const [selected, setSelected] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const run = useRun(client, selected, version);
  const trainer = trainerState(overview);
  useEffect(() => {
    if (!selected && overview?.runs.length) setSelected(overview.active ?? overview.runs[0].id);
  }, [overview, selected]);
  // A state change of the selected run (queued → running: the detail said 'queued' until the datasets were built; done: the report appears) reloads its record.
  useEffect(() => client.on('training:status', (m) => m.status.id === selected && (m.status.state !== 'running' || m.status.state !== run.detail?.status.state || m.status.completedPhases.length !== run.detail?.status.completedPhases.length) && setVersion((v) => v + 1)), [client, selected, run.detail]);
  return (
    <div class="training-view">
      <div class="dashboard-toolbar">
        <h1>Training</h1>
        {/* The backend reads 'webgpu: adapter' or 'wasm: one core; why': the name shows, the rest is the tooltip. */}
        <span class="muted" title={trainer.title} data-testid="training-backend">
          {trainer.text} · runs in {overview?.runsDir ?? '…'}
        </span>
      </div>
      {error && <p class="form-error">{error}</p>}
      <ErrorBoundary where="panel: New run">
        <NewRun
          client={client}
          runs={overview?.runs ?? []}
          onStarted={(id) => {
            setSelected(id);
            setVersion((v) => v + 1);
            refresh();
          }}
        />
      </ErrorBoundary>
      <ErrorBoundary where="panel: Runs">
        <section class="panel">
          <div class="panel-header">
            <h2>Runs</h2>
            <span class="muted">subject-wise AUROC per arm, the baseline on the same folds</span>
          </div>
          <RunsTable runs={overview?.runs ?? []} selected={selected} live={run.detail?.status.id === selected ? run.progress : null} onSelect={setSelected} />
        </section>
      </ErrorBoundary>
      {selected && (
        <ErrorBoundary where="panel: Run">
          <RunDetail
            key={selected}
            client={client}
            run={run}
            onChanged={() => {
              refresh();
              setVersion((v) => v + 1);
            }}
          />
        </ErrorBoundary>
      )}
    </div>
  );
}
