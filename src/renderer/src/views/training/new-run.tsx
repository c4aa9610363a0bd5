// "New run": a recipe (the shipped model's default, or a quick try), or a dataset built here —
// sources (EEGMAT folder, recording files, recorded sessions, DREAMER.mat), label source, task,
// window length/hop, mains, montage — previewed through the pipeline, then the run configuration
// (what to train, which encoders, freezing, epochs, evaluation, export).
import { useEffect, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import type { DatasetPreview, TrainingPresets } from '../../../../shared/ipc/training.schema';
import type { JobSpec } from '../../../../shared/train/job.types';
import type { SessionSummary } from '../../../../shared/session.types';
import type { RunSummary } from '../../../../shared/train/job.types';
import { ablationArms, DEFAULT_FINETUNE } from '../../../../shared/train/defaults';
import type { HeartMindClient } from '../../transport/client';
import { BrowseButton, PathInput } from '../../shell/path-input';
import { messageOf } from '../../shell/error-message';
import { Segmented } from '../../shell/segmented';
import { plural } from '../../../../shared/plural';
import { customJob, encoderRunLabel, encoderSource, INITIAL, initOf, previewKey, previewRequest, problemLines, recipeNote, sessionPick, suggestedTask, TASK_INPUTS, type CustomForm } from './new-run-form';

/** The recorded sessions the form lists (the newest first, as the list comes). */
const SESSIONS_SHOWN = 50;

type Mode = 'quick' | 'default' | 'custom';

function Field({ label, children, wide }: { label: string; children: ComponentChildren; wide?: boolean }) {
  return (
    <label class={wide ? 'wide' : undefined}>
      <span>{label}</span>
      {children}
    </label>
  );
}

export function NewRun({ client, runs, onStarted }: { client: HeartMindClient; runs: RunSummary[]; onStarted(id: string): void }) {
  const [presets, setPresets] = useState<TrainingPresets | null>(null);
  const [mode, setMode] = useState<Mode>('quick');
  const [form, setForm] = useState<CustomForm>(INITIAL);
  const [sessions, setSessions] = useState<SessionSummary[]>([]);
  const [preview, setPreview] = useState<DatasetPreview | null>(null);
  // What the preview was built from (previewKey): Start trusts its verdict only for the same form.
  const [previewedFor, setPreviewedFor] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const set = <K extends keyof CustomForm>(k: K, v: CustomForm[K]) =>
    setForm((f) => {
      const next = { ...f, [k]: v };
      // The task follows the labels (source, rated dimension, DREAMER) until the user names it.
      const before = suggestedTask(f);
      const untouched = f.taskName === before.taskName && f.classNeg === before.classNeg && f.classPos === before.classPos;
      return (TASK_INPUTS as readonly string[]).includes(k) && untouched ? { ...next, ...suggestedTask(next) } : next;
    });

  useEffect(() => {
    client
      .invoke('hm:training:presets')
      .then((p) => {
        setPresets(p);
        if (p.dataDir) setForm((f) => ({ ...f, eegmatDir: f.eegmatDir || `${p.dataDir}/edf-eegmat` }));
        if (!p.quickRecipe) setMode('custom');
      })
      .catch((e) => setError(messageOf(e)));
    // Each summary says what its streams hold (signals): one request for the whole list.
    client
      .invoke('hm:sessions:list', { limit: SESSIONS_SHOWN + 1 })
      .then(setSessions)
      .catch(() => setSessions([]));
  }, [client]);

  const fromRun = encoderSource(form.encoders).kind === 'run';
  const pretrainedRuns = runs.filter((r) => r.state === 'done' && r.completedPhases.some((p) => p.startsWith('pretrain-')));

  const start = async () => {
    setError(null);
    let spec: JobSpec | null = null;
    if (mode === 'quick') spec = presets?.quickRecipe ?? null;
    else if (mode === 'default') spec = presets?.defaultRecipe ?? null;
    else {
      spec = customJob(form);
      // The preview built these very windows and found that training would stop on them (one
      // class only, no labelled window, too few subjects): starting would only make a failed run.
      const r = previewedFor === previewKey(form) ? preview?.readiness : undefined;
      if (r?.ok === false) {
        setError(`this run cannot start: ${r.problem}`);
        return;
      }
    }
    if (!spec) {
      setError('no recordings folder was found beside the app for this recipe: use a custom dataset');
      return;
    }
    setBusy('start');
    try {
      const s = await client.invoke('hm:training:start', { spec });
      onStarted(s.id);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(null);
    }
  };

  const doPreview = async () => {
    setError(null);
    setPreview(null);
    setBusy('preview');
    try {
      const key = previewKey(form);
      setPreview(await client.invoke('hm:training:preview', previewRequest(form)));
      setPreviewedFor(key);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(null);
    }
  };
  const flagged = preview ? problemLines(preview) : [];

  return (
    <section class="panel new-run" data-testid="new-run">
      <div class="panel-header">
        <h2>New run</h2>
        <div class="panel-tools">
          <Segmented
            label="What to run"
            value={mode}
            onChange={setMode}
            options={(['quick', 'default', 'custom'] as Mode[]).map((m) => ({ value: m, label: m === 'quick' ? 'Quick try' : m === 'default' ? 'Default recipe' : 'Custom dataset', testid: `mode-${m}` }))}
          />
        </div>
      </div>
      {mode === 'quick' && presets?.quickRecipe && (
        <p class="muted" data-testid="recipe-note">
          {recipeNote('quick', presets.quickRecipe)}
        </p>
      )}
      {mode === 'default' && (
        <p class="muted" data-testid="recipe-note">
          {presets?.defaultRecipe ? `${recipeNote('default', presets.defaultRecipe)} Data: ${presets.dataDir}` : 'No recordings folder found beside the app.'}
        </p>
      )}
      {mode === 'custom' && (
        <div class="builder">
          <fieldset>
            <legend>Recordings</legend>
            <Field label="EEGMAT folder (SubjectNN_1/2.edf)" wide>
              <PathInput value={form.eegmatDir} onValue={(v) => set('eegmatDir', v)} placeholder="/data/eegmat" pick={{ mode: 'open-folder', title: 'The EEGMAT folder (SubjectNN_1.edf, SubjectNN_2.edf)' }} data-testid="eegmat-dir" />
            </Field>
            <Field label="Recording files (EDF/BDF, WFDB .hea, XDF), one per line; PATH = CLASS gives all its windows that class" wide>
              <textarea rows={2} value={form.files} onInput={(e) => set('files', e.currentTarget.value)} placeholder={`/data/s01-rest.edf = ${form.classNeg}`} data-testid="recording-files" />
              <BrowseButton pick={{ mode: 'open-file', title: 'Add a recording', filters: [{ name: 'Recordings (EDF, BDF, WFDB, XDF)', extensions: ['edf', 'bdf', 'hea', 'xdf'] }] }} onPicked={(p) => set('files', form.files.trim() ? `${form.files.trimEnd()}\n${p}` : p)} />
            </Field>
            <Field label="Subject of these files (empty: each file's patient code, else its name)" wide>
              <input value={form.filesSubject} onInput={(e) => set('filesSubject', e.currentTarget.value)} placeholder="S01" data-testid="files-subject" />
            </Field>
            <Field label="DREAMER.mat (yours)">
              <PathInput value={form.dreamer} onValue={(v) => set('dreamer', v)} placeholder="/data/DREAMER.mat" pick={{ mode: 'open-file', title: 'DREAMER.mat', filters: [{ name: 'MATLAB file', extensions: ['mat'] }] }} data-testid="dreamer-path" />
            </Field>
            <Field label="DREAMER dimension">
              <select value={form.dimension} onChange={(e) => set('dimension', e.currentTarget.value as CustomForm['dimension'])}>
                <option>valence</option>
                <option>arousal</option>
                <option>dominance</option>
              </select>
            </Field>
            <Field label="DREAMER: high when rating ≥ (1–5)">
              <input type="number" min={1} max={5} step={0.5} value={form.dreamerThreshold} onInput={(e) => set('dreamerThreshold', Number(e.currentTarget.value))} data-testid="dreamer-threshold" />
            </Field>
            <div class="wide session-pick">
              <span class="muted">Recorded sessions{sessions.length ? '' : ': none yet'}</span>
              {sessions.slice(0, SESSIONS_SHOWN).map((s) => {
                const pick = sessionPick(form, s);
                return (
                  <label key={s.id} class="check" data-testid={`session-${s.id}`}>
                    <input type="checkbox" checked={form.sessions.includes(s.id)} onChange={(e) => set('sessions', e.currentTarget.checked ? [...form.sessions, s.id] : form.sessions.filter((x) => x !== s.id))} />
                    {s.name}{' '}
                    <span class="muted">
                      ({pick.signals}, {s.subjectId || 'no subject'}, {plural(s.markerCount, 'marker')}, {plural(s.selfReportCount, 'report')})
                    </span>
                    {pick.problem && (
                      <span class="session-problem" data-testid="session-problem">
                        {pick.problem}
                      </span>
                    )}
                  </label>
                );
              })}
              {sessions.length > SESSIONS_SHOWN && (
                <span class="muted" data-testid="sessions-more">
                  The {SESSIONS_SHOWN} newest are listed; an older one trains from the command line (heartmind train --session ID).
                </span>
              )}
            </div>
          </fieldset>
          <fieldset>
            <legend>Labels and windows</legend>
            <Field label="Label source">
              <select value={form.labels} onChange={(e) => set('labels', e.currentTarget.value as CustomForm['labels'])} data-testid="label-source">
                <option value="file">each recording's class (EEGMAT rest/arithmetic, DREAMER ratings, PATH = CLASS)</option>
                <option value="annotations">annotations / markers</option>
                <option value="self-report">self-reports (SAM)</option>
              </select>
            </Field>
            {form.labels === 'annotations' && (
              <Field label="Annotation text = class, …">
                <input value={form.annotationMap} onInput={(e) => set('annotationMap', e.currentTarget.value)} />
              </Field>
            )}
            {form.labels === 'self-report' && (
              <>
                <Field label="Dimension">
                  <select value={form.selfDimension} onChange={(e) => set('selfDimension', e.currentTarget.value as CustomForm['selfDimension'])}>
                    <option>valence</option>
                    <option>arousal</option>
                    <option>dominance</option>
                  </select>
                </Field>
                <Field label="High when score ≥">
                  <input type="number" min={1} max={9} value={form.selfThreshold} onInput={(e) => set('selfThreshold', Number(e.currentTarget.value))} />
                </Field>
              </>
            )}
            <Field label="Task name">
              <input value={form.taskName} onInput={(e) => set('taskName', e.currentTarget.value)} data-testid="task-name" />
            </Field>
            {/* A label names only the first field inside it: each field of a pair has its own name. */}
            <Field label="Classes (negative, positive)">
              <span class="pair">
                <input aria-label="Negative class" value={form.classNeg} onInput={(e) => set('classNeg', e.currentTarget.value)} data-testid="class-neg" />
                <input aria-label="Positive class" value={form.classPos} onInput={(e) => set('classPos', e.currentTarget.value)} data-testid="class-pos" />
              </span>
            </Field>
            <Field label="Window / hop (s)">
              <span class="pair">
                <input type="number" aria-label="Window (s)" min={1} value={form.windowSec} onInput={(e) => set('windowSec', Number(e.currentTarget.value))} />
                <input type="number" aria-label="Hop (s)" min={0.5} step={0.5} value={form.hopSec} onInput={(e) => set('hopSec', Number(e.currentTarget.value))} />
              </span>
            </Field>
            <Field label="Mains notch">
              <select value={String(form.mains)} onChange={(e) => set('mains', Number(e.currentTarget.value) as 50 | 60)}>
                <option value="50">50 Hz</option>
                <option value="60">60 Hz</option>
              </select>
            </Field>
            <Field label="EEG montage (auto, device, or labels)">
              <input value={form.montage} onInput={(e) => set('montage', e.currentTarget.value)} />
            </Field>
            <div class="wide">
              <button type="button" class="btn" onClick={() => void doPreview()} disabled={busy !== null} data-testid="preview">
                {busy === 'preview' ? 'Building…' : 'Preview dataset'}
              </button>
            </div>
            {preview && (
              <div class="wide preview" data-testid="preview-result">
                <strong>{preview.windows}</strong> windows from {plural(preview.recordings.length, 'recording')}, {plural(preview.subjects.length, 'subject')};{' '}
                {preview.classes.map((c, i) => `${c}: ${preview.perClass[i]}`).join(', ')}
                {preview.readiness?.ok === true && (
                  <p class="ready" data-testid="preview-ready">
                    Ready to train: {preview.readiness.windows} labelled windows from {preview.readiness.subjects} subjects, {preview.readiness.folds} folds.
                  </p>
                )}
                {preview.readiness?.ok === true && preview.readiness.notes.length > 0 && (
                  <ul class="muted" data-testid="preview-notes">
                    {preview.readiness.notes.map((n) => (
                      <li key={n}>{n}</li>
                    ))}
                  </ul>
                )}
                {preview.readiness?.ok === false && (
                  <p class="form-error" role="alert" data-testid="preview-problem">
                    Training would stop here: {preview.readiness.problem}
                  </p>
                )}
                <ul data-testid="preview-recordings">
                  {flagged.slice(0, 12).map((line) => (
                    <li key={line}>{line}</li>
                  ))}
                  {flagged.length > 12 && <li>… and {flagged.length - 12} more</li>}
                </ul>
              </div>
            )}
          </fieldset>
          <fieldset>
            <legend>Run</legend>
            <Field label="Encoders from">
              <select value={form.encoders} onChange={(e) => set('encoders', e.currentTarget.value)} data-testid="encoders-from">
                <option value="random">random initialisation</option>
                {pretrainedRuns.map((r) => (
                  <option key={r.id} value={r.id}>
                    {encoderRunLabel(r)}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Modalities">
              <select value={form.modalities} data-testid="modalities" onChange={(e) => set('modalities', e.currentTarget.value as CustomForm['modalities'])}>
                <option value="fused">fused EEG + ECG</option>
                <option value="eeg">EEG only</option>
                <option value="ecg">ECG only</option>
              </select>
            </Field>
            <Field label="Train">
              <select value={form.freeze} onChange={(e) => set('freeze', e.currentTarget.value as CustomForm['freeze'])} data-testid="freeze">
                <option value="encoders">head only (encoders frozen)</option>
                <option value="none">encoders and head (slow)</option>
              </select>
            </Field>
            <Field label="Class weighting">
              <select value={form.classWeight} onChange={(e) => set('classWeight', e.currentTarget.value as CustomForm['classWeight'])} data-testid="class-weight">
                <option value="balanced">balanced (n / 2·n_class)</option>
                <option value="none">none</option>
              </select>
            </Field>
            <Field label="Epochs / batch">
              <span class="pair">
                <input type="number" aria-label="Epochs" min={1} value={form.epochs} onInput={(e) => set('epochs', Number(e.currentTarget.value))} />
                <input type="number" aria-label="Batch size" min={1} value={form.batch} onInput={(e) => set('batch', Number(e.currentTarget.value))} />
              </span>
            </Field>
            <Field label={`Learning rates head / encoders (at batch ${DEFAULT_FINETUNE.referenceBatch})`}>
              <span class="pair">
                <input type="number" aria-label="Head learning rate" min={0} max={1} step="any" value={form.headLr} onInput={(e) => set('headLr', Number(e.currentTarget.value))} data-testid="head-lr" />
                <input
                  type="number"
                  aria-label="Encoder learning rate"
                  title={form.freeze === 'none' ? undefined : 'the encoders train only end to end (Train: encoders and head)'}
                  min={0}
                  max={1}
                  step="any"
                  disabled={form.freeze !== 'none'}
                  value={form.encoderLr}
                  onInput={(e) => set('encoderLr', Number(e.currentTarget.value))}
                  data-testid="encoder-lr"
                />
              </span>
            </Field>
            <Field label="Evaluation">
              <select value={form.split} onChange={(e) => set('split', e.currentTarget.value)}>
                <option value="loso">leave one subject out</option>
                <option value="kfold:5">5-fold by subject</option>
                <option value="kfold:3">3-fold by subject</option>
              </select>
            </Field>
            <label class="check wide">
              <input type="checkbox" checked={form.ablations} onChange={(e) => set('ablations', e.currentTarget.checked)} data-testid="ablations" />
              Ablations too, on the same folds: {ablationArms(form.modalities, initOf(form)).slice(1).map((a) => `${a.modalities}/${a.init}`).join(', ') || 'none for this model'}
            </label>
            <Field label="Validation subjects per fold">
              <input type="number" min={0} value={form.validation} onInput={(e) => set('validation', Number(e.currentTarget.value))} data-testid="validation-subjects" />
            </Field>
            <Field label="Layers / seed">
              <span class="pair">
                <input
                  type="number"
                  aria-label="Layers"
                  title={fromRun ? "the encoders come from a pretraining run, with that run's layers" : undefined}
                  min={1}
                  max={12}
                  disabled={fromRun}
                  value={form.layers}
                  onInput={(e) => set('layers', Number(e.currentTarget.value))}
                  data-testid="layers"
                />
                <input type="number" aria-label="Seed" value={form.seed} onInput={(e) => set('seed', Number(e.currentTarget.value))} />
              </span>
            </Field>
            <Field label="Export as model id (empty: keep in the run)">
              <input value={form.exportId} onInput={(e) => set('exportId', e.currentTarget.value)} placeholder="my-model" />
            </Field>
          </fieldset>
        </div>
      )}
      <div class="new-run-actions">
        <button type="button" class="btn btn-start" onClick={() => void start()} disabled={busy !== null} data-testid="start-run">
          {busy === 'start' ? 'Starting…' : 'Start'}
        </button>
        {error && (
          <p class="form-error" role="alert" data-testid="new-run-error">
            {error}
          </p>
        )}
      </div>
    </section>
  );
}
