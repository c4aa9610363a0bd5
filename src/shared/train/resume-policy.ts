// Which stopped runs a resume can help. A run resumes with the configuration it was started with,
// from its last checkpoint, and training is deterministic (docs/training.md, Determinism): a run that
// failed on its input or its settings would fail again the same way, after minutes of rebuilding its
// datasets. The Training view offers Resume, and `heartmind train --resume` and the core's resume
// accept one, only where this says it can help; one rule for all three.
import type { RunStatus } from './job.types';

/** Failure codes a resume would only repeat, with why (after "resuming cannot help: "). */
const REPEATED: Record<string, string> = {
  // TrainErrorCode
  'bad-config': 'a run resumes with the configuration it was started with, which was refused',
  'bad-dataset': 'a run resumes with the dataset it was started with, which cannot be trained on',
  'nan-loss': 'a run resumes with the settings it was started with and repeats the same steps from its last checkpoint (training is deterministic), so the loss would become non-finite again',
  // DatasetErrorCode: the run's files are not what its dataset says they are.
  'bad-option': 'a run resumes with the dataset options it was started with, which were refused',
  'not-dreamer': 'a run resumes with the files it was started with, and its DREAMER.mat is not DREAMER',
  'not-eegmat': 'a run resumes with the files it was started with, and one is not an EEGMAT recording',
  'no-signals': 'a run resumes with the recordings it was started with, and one has no EEG or ECG to cut windows from',
};

/**
 * Why resuming `s` cannot help, as a sentence saying what to do instead, or null when a resume can
 * (paused, interrupted, cancelled, a failure from outside the run's settings: a full disk, a file
 * gone missing, a damaged checkpoint, a worker that died).
 */
export function resumeRefusal(s: Pick<RunStatus, 'state' | 'error'>): string | null {
  if (s.state !== 'failed' || !s.error) return null;
  const why = REPEATED[s.error.code];
  if (!why) return null;
  const instead = s.error.code === 'nan-loss' ? 'start a new run with a lower learning rate, or check the data (the error says which rates were in force)' : 'start a new run with the input or settings changed';
  return `resuming cannot help: ${why}; ${instead}`;
}
