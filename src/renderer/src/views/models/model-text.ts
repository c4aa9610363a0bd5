// Words of the Models view and the Estimates panel that depend on the inference state. Pure (tested
// under Node).
import type { InferenceState } from '../../inference/inference-service';
import type { WindowResult } from '../../inference/inference.types';
import type { ModelModality } from '../../../../shared/model/model.types';
import { absentWhyText } from '../../../../shared/model/window-input';
import { AWAITING_DEVICES_REFUSAL, SETTINGS_AND_AWAITING_REFUSAL } from '../../../../shared/model/card';

/** A model by its name and version, as the panels head its answers ('HeartMind EEGMAT … 1.0.0'); its id when it is not listed. */
function modelName(models: InferenceState['models'], id: string): string {
  const m = models.find((x) => x.id === id);
  return m ? `${m.name}${m.version ? ` ${m.version}` : ''}` : id;
}

/**
 * Why the active model gives no estimate, in the Estimates panel: 'HeartMind EEGMAT … 1.0.0 does not
 * fit the connected devices: EEG: missing Fp1, …'. By its name, as the panel heads its answers (it
 * said 'Model heartmind-eegmat-arithmetic …'); with nothing connected that it reads, that it runs
 * once a device that fits it streams, as the Models view's list says: it waits, it is not a misfit
 * ('does not fit the connected devices: no EEG or ECG device connected'). Null when it runs.
 */
export function refusedText(state: Pick<InferenceState, 'models' | 'readiness'>): string | null {
  const r = state.readiness;
  if (!r || !r.activeId || r.ok) return null;
  const name = modelName(state.models, r.activeId);
  return r.awaitingDevices ? `${name} runs once a device that fits it streams: ${r.problems.join('; ')}` : `${name} ${r.refusal}: ${r.problems.join('; ')}`;
}

/**
 * The model being loaded, by its name, for the body of the view or panel (the one place that says
 * it). A model that does not fit the devices or the signal settings now still loads (it runs the moment
 * they fit again); shown under the refusal, a bare "loading …" read as if it were about to run.
 */
export function loadingText(state: Pick<InferenceState, 'loading' | 'models' | 'readiness'>): string | null {
  if (!state.loading) return null;
  const name = modelName(state.models, state.loading);
  const r = state.readiness;
  const waitsFor = r && !r.ok && r.activeId === state.loading ? waitsForText(r.refusal) : null;
  return `loading ${name}…${waitsFor ? ` (it runs once ${waitsFor})` : ''}`;
}

/**
 * What a refused model waits for, from the refusal: a device it reads (nothing connected), the
 * connected devices or the signal settings (a window length) to fit it, or both; null for a refusal
 * no waiting mends (a damaged folder).
 */
function waitsForText(refusal: string): string | null {
  if (refusal === AWAITING_DEVICES_REFUSAL) return 'a device it reads streams';
  if (refusal === SETTINGS_AND_AWAITING_REFUSAL) return 'the signal settings fit it and a device it reads streams';
  return refusal.startsWith('does not fit ') ? `${refusal.slice('does not fit '.length).replace(' or ', ' and ')} fit it` : null;
}

/**
 * Which modalities fed the answer on screen, and why another did not: 'fed by EEG · no ECG (ECG
 * shows no QRS): answered without it'. For 'bad-quality' the flags that made its channels unusable,
 * in the Windows panel's words (absentWhyText): 'signal quality too poor on every channel' left the
 * researcher to find which flag in the Signal quality panel.
 */
export function fedText(r: Pick<WindowResult, 'fed' | 'absent' | 'unusable'>): string {
  const absent = Object.entries(r.absent).map(([m, why]) => ` · no ${m.toUpperCase()} (${absentWhyText(why, r.unusable?.[m as ModelModality])}): answered without it`);
  return `fed by ${r.fed.map((m) => m.toUpperCase()).join(' + ')}${absent.join('')}`;
}
