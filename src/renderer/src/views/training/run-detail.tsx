// One run: progress bar with ETA, pause / resume / cancel, live loss curves and validation metrics
// per epoch, then the evaluation (per-arm table with the baseline, per-fold figures, ROC curves,
// confusion matrices), the log, and export to the model registry.
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ArmResult, EpochRecord, StepRecord } from '../../../../shared/train/train.types';
import type { HeartMindClient } from '../../transport/client';
import { LossChart, RocChart, ValidationChart, type LineChart } from './charts';
import { messageOf } from '../../shell/error-message';
import { fmt3, formatEta, type LiveRun } from './use-training';
import { latestFitCurve } from '../../../../shared/train/epoch-curves';
import { recordsSteps } from '../../../../shared/train/metric-records';
import { resumeRefusal } from '../../../../shared/train/resume-policy';
import { modelIdProblem } from '../../../../shared/train/model-id';
import { ARM_METRICS, METRIC_HEADINGS, chanceNote, meanSdText, partialFoldsNote, partialMark, reportChance } from '../../../../shared/train/report-text';

/**
 * A chart on a canvas that may come and go (the run's record loads after the view mounts): a
 * callback ref makes the chart when the canvas appears, fills it at once, and destroys it when the
 * canvas goes. The canvas carries what the chart drew (data-points, data-series) for the tests.
 */
function useChart<C extends LineChart>(make: (c: HTMLCanvasElement) => C, deps: unknown[], update: (c: C) => void) {
  const chart = useRef<C | null>(null);
  const latest = useRef(update);
  latest.current = update;
  const refresh = (c: C) => {
    latest.current(c);
    const { points, series } = c.drawn();
    c.canvas.dataset.points = String(points);
    c.canvas.dataset.series = String(series);
  };
  const ref = useCallback((canvas: HTMLCanvasElement | null) => {
    chart.current?.destroy();
    chart.current = canvas ? make(canvas) : null;
    if (chart.current) refresh(chart.current);
  }, []);
  useEffect(() => {
    if (chart.current) refresh(chart.current);
  }, deps);
  return ref;
}

function Confusion({ arm, classes }: { arm: ArmResult; classes: string[] }) {
  const c = arm.confusion;
  if (c.length !== 4) return null;
  const row = (t: number) => c[t * 2] + c[t * 2 + 1];
  return (
    <table class="confusion" data-testid={`confusion-${arm.arm}`}>
      <caption>{arm.arm}</caption>
      <thead>
        <tr>
          <th />
          <th>pred {classes[0]}</th>
          <th>pred {classes[1]}</th>
        </tr>
      </thead>
      <tbody>
        {[0, 1].map((t) => (
          <tr key={t}>
            <th>true {classes[t]}</th>
            {[0, 1].map((p) => (
              <td key={p} style={{ background: `rgba(127,180,255,${row(t) ? (0.6 * c[t * 2 + p]) / row(t) : 0})` }}>
                {c[t * 2 + p]}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function RunDetail({ client, run, onChanged }: { client: HeartMindClient; run: LiveRun; onChanged(): void }) {
  const d = run.detail;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [exportId, setExportId] = useState('');
  const idProblem = modelIdProblem(exportId.trim());
  const [exported, setExported] = useState<string | null>(null);
  // An export whose model is in place but whose note in the run (status.json, or only the log line)
  // could not be written: a warning beside "Exported", not an error — the export did happen.
  const [exportWarning, setExportWarning] = useState<string | null>(null);
  const steps = useMemo(() => run.metrics.filter((m): m is StepRecord => m.kind === 'step'), [run.metrics]);
  const epochs = useMemo(() => run.metrics.filter((m): m is EpochRecord => m.kind === 'epoch'), [run.metrics]);
  const lossRef = useChart((c) => new LossChart(c), [steps], (c) => c.update(steps));
  const curve = useMemo(() => latestFitCurve(epochs), [epochs]);
  const valRef = useChart((c) => new ValidationChart(c), [curve], (c) => c.update(curve));
  const report = d?.report ?? null;
  // Shown only where some metric has one (none where no test fold holds both classes).
  const chance = useMemo(() => {
    const c = report ? reportChance(report) : null;
    return c && ARM_METRICS.some((m) => c[m] !== null) ? c : null;
  }, [report]);
  const rocRef = useChart((c) => new RocChart(c), [report], (c) => report && c.update(report.arms));
  const logRef = useRef<HTMLPreElement>(null);
  useEffect(() => {
    if (logRef.current) logRef.current.scrollTop = logRef.current.scrollHeight;
  }, [run.log.length]);

  if (run.error) return <p class="form-error">{run.error}</p>;
  if (!d) return <p class="muted">Loading…</p>;
  const s = d.status;
  const p = run.progress ?? s.progress;
  const state = s.state;
  // A folder whose status or config cannot be read is listed as 'failed' with the problem: nothing in it can resume.
  const damaged = !!s.problem;
  // A run that failed on its input or settings would fail again the same way: no Resume, and why.
  const noResume = resumeRefusal(s);
  const act = async (what: 'pause' | 'resume' | 'cancel') => {
    setBusy(true);
    setError(null);
    try {
      await client.invoke(`hm:training:${what}`, { id: s.id });
      onChanged();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  const doExport = async () => {
    setBusy(true);
    setError(null);
    setExportWarning(null);
    try {
      const r = await client.invoke('hm:training:export', { id: s.id, modelId: exportId.trim(), name: `${s.name} (${s.id})` });
      // "Exported" only where the run records it, as it reads after a reload: a run whose status
      // would not take the note showed "Exported" until a reload offered the export again. It keeps
      // the Export row, whose Export again records it, with the warning beside it.
      if (r.recorded) setExported(r.modelId);
      if (r.notRecorded) setExportWarning(r.notRecorded);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel run-detail" data-testid="run-detail" data-run={s.id} data-state={damaged ? 'damaged' : state}>
      <div class="panel-header">
        <h2>{s.name}</h2>
        <span class={`badge state-${damaged ? 'failed' : state}`} data-testid="run-state">
          {damaged ? 'damaged' : state}
        </span>
        <span class="muted">{s.id}</span>
        <div class="panel-tools">
          {state === 'running' && (
            <button type="button" class="btn" disabled={busy} onClick={() => void act('pause')} data-testid="pause-run">
              Pause
            </button>
          )}
          {!damaged && !noResume && (state === 'paused' || state === 'interrupted' || state === 'failed' || state === 'cancelled') && (
            <button type="button" class="btn btn-start" disabled={busy} onClick={() => void act('resume')} data-testid="resume-run">
              Resume
            </button>
          )}
          {(state === 'running' || state === 'queued') && (
            <button type="button" class="btn btn-stop" disabled={busy} onClick={() => void act('cancel')} data-testid="cancel-run">
              Cancel
            </button>
          )}
        </div>
      </div>
      {s.problem && <p class="form-error">{s.problem}</p>}
      {s.error && (
        <p class="form-error" role="alert" data-testid="run-error">
          {s.error.message}
        </p>
      )}
      {!damaged && noResume && (
        <p class="muted" data-testid="no-resume">
          {noResume.charAt(0).toUpperCase() + noResume.slice(1)}.
        </p>
      )}
      {error && <p class="form-error">{error}</p>}
      {exportWarning && (
        <p class="form-warning" role="status" data-testid="export-warning">
          {exportWarning}
        </p>
      )}
      <div class="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(p.fraction * 100)} data-testid="run-progress" data-fraction={p.fraction.toFixed(3)}>
        <div class="progress-fill" style={{ width: `${(p.fraction * 100).toFixed(1)}%` }} />
      </div>
      <div class="progress-text">
        <span>{(p.fraction * 100).toFixed(1)}%</span>
        {/* A stopped run's last message is its error, shown in full above: here only where it stopped (a full-disk message read twice). */}
        <span class="muted" data-testid="run-progress-message">{s.error && p.message === s.error.message ? `${state} during ${p.phase}` : p.message}</span>
        <span data-testid="run-eta">{state === 'running' ? formatEta(p.etaSec) : ''}</span>
      </div>
      <div class="charts">
        {/* A head fitted on frozen encoders records no step (its loss per epoch is in the validation chart): no empty loss chart. */}
        <figure class={d.config && !recordsSteps(d.config) && steps.length === 0 ? 'hidden' : ''} data-testid="loss-figure">
          <figcaption>Training loss</figcaption>
          <div class="chart-box">
            <canvas ref={lossRef} data-testid="loss-chart" />
          </div>
        </figure>
        {/* A pretraining run fits no head: no validation to draw (an empty 0–1 chart read as a broken one). */}
        <figure class={d.config && !d.config.finetune ? 'hidden' : ''}>
          <figcaption data-testid="validation-caption">
            Validation per epoch{curve.label ? ` — ${curve.label}${curve.validated ? '' : ' (no validation subjects)'}` : ''}
          </figcaption>
          <div class="chart-box">
            <canvas ref={valRef} data-testid="validation-chart" />
          </div>
        </figure>
        <figure class={report ? '' : 'hidden'}>
          <figcaption>ROC (pooled test predictions)</figcaption>
          <div class="chart-box chart-box-roc">
            <canvas ref={rocRef} data-testid="roc-chart" />
          </div>
        </figure>
      </div>
      {report && (
        <div class="evaluation" data-testid="evaluation">
          <h3>Evaluation</h3>
          <p class="muted">{report.protocol}</p>
          <table class="arm-table">
            <thead>
              <tr>
                <th>arm (mean ± sd over folds)</th>
                {ARM_METRICS.map((m) => (
                  <th key={m}>{METRIC_HEADINGS[m]}</th>
                ))}
                <th>pooled AUROC</th>
              </tr>
            </thead>
            <tbody>
              {report.arms.map((a) => {
                // Every metric as the CLI prints it and the card gives it: mean ± sd over the folds, '*' where
                // the mean leaves out a fold of one class, '(1 fold)' for a mean over one (AUROC alone had its sd here).
                return (
                  <tr key={a.arm} class={a.init === 'baseline' ? 'baseline' : ''} data-arm={a.arm}>
                    <td>{a.arm}</td>
                    {ARM_METRICS.map((m) => (
                      <td key={m} class="num">
                        {meanSdText(a.table.summary[m], report.folds.length)}
                      </td>
                    ))}
                    <td class="num">{fmt3(a.table.pooled?.auroc)}</td>
                  </tr>
                );
              })}
              {/* What a guess that ignores the windows scores on these folds, under the arms as the CLI prints it
                  (AUC-PR's is the positive share: 0.39 reads as poor at 0.5, as good at 0.25). */}
              {chance && (
                <tr class="chance" data-testid="chance-row">
                  <td>chance</td>
                  {ARM_METRICS.map((m) => (
                    <td key={m} class="num">
                      {fmt3(chance[m])}
                    </td>
                  ))}
                  <td class="num">{fmt3(chance.auroc)}</td>
                </tr>
              )}
            </tbody>
          </table>
          {report.arms.some((a) => ARM_METRICS.some((m) => partialMark(a.table.summary[m], report.folds.length))) && (
            <p class="muted" data-testid="partial-folds-note">
              {partialFoldsNote(report.folds.length)}
            </p>
          )}
          {chance && (
            <p class="muted small" data-testid="chance-note">
              {chanceNote(report.task.classes[1] ?? 'positive')}
            </p>
          )}
          <details>
            <summary>Per fold</summary>
            {report.arms.map((a) => (
              <table class="fold-table" key={a.arm}>
                <caption>{a.arm}</caption>
                <thead>
                  <tr>
                    <th>fold</th>
                    <th>test subjects</th>
                    <th>n</th>
                    <th>AUROC</th>
                    <th>bal. acc.</th>
                    <th>F1</th>
                    <th>κ</th>
                    <th>epoch</th>
                    <th>note</th>
                  </tr>
                </thead>
                <tbody>
                  {/* Row i is fold i (crossValidate writes them in fold order); numbered and with its test subjects as the CLI prints them (a k-fold row read '1', '2' with no subject named). */}
                  {a.table.rows.map((r, i) => (
                    <tr key={r.fold} data-fold={i + 1}>
                      <td>{i + 1}</td>
                      <td>{report.folds[i]?.testSubjects.join(', ') ?? r.fold}</td>
                      <td class="num">{r.n}</td>
                      <td class="num">{fmt3(r.metrics.auroc)}</td>
                      <td class="num">{fmt3(r.metrics.balancedAccuracy)}</td>
                      <td class="num">{fmt3(r.metrics.f1)}</td>
                      <td class="num">{fmt3(r.metrics.cohenKappa)}</td>
                      <td class="num">{a.bestEpochs[i] ?? '–'}</td>
                      <td class="muted">{r.notes.join('; ')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ))}
          </details>
          <div class="confusions">
            {report.arms.map((a) => (
              <Confusion key={a.arm} arm={a} classes={report.task.classes} />
            ))}
          </div>
        </div>
      )}
      {state === 'done' && s.completedPhases.includes('final-fit') && (
        <div class="export-row">
          {(s.summary?.exportedAs && !s.exportReplaced) || exported ? (
            <span data-testid="exported">Exported as model '{exported ?? s.summary?.exportedAs}': it is listed under Models, where Use runs it live.</span>
          ) : (
            <>
              {/* Its id now holds another run's model (each quick run replaces 'quick-try'): Use would run that one. */}
              {s.exportReplaced && (
                <span class="muted" data-testid="export-replaced">
                  Exported as model '{s.summary?.exportedAs}', since replaced in your models by another run's; export it again under another id to keep this one:
                </span>
              )}
              <input value={exportId} onInput={(e) => setExportId(e.currentTarget.value)} placeholder="model id, e.g. my-eegmat" aria-label="Model id" data-testid="export-id" />
              <button type="button" class="btn btn-start" disabled={busy || idProblem !== null} onClick={() => void doExport()} data-testid="export-run">
                Export to models
              </button>
              {/* Why Export is off for an id typed (it stayed greyed out without a word). */}
              {exportId.trim() !== '' && idProblem && (
                <span class="muted" role="status" data-testid="export-id-problem">
                  {idProblem}
                </span>
              )}
            </>
          )}
        </div>
      )}
      <details open={state === 'running' || state === 'failed'}>
        <summary>Log</summary>
        <pre class="run-log" ref={logRef} data-testid="run-log">
          {run.log.join('\n')}
        </pre>
      </details>
      {d.notes.length > 0 && <p class="muted">{d.notes.join('; ')}</p>}
    </section>
  );
}
