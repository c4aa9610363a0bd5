// A SAM self-report as a file annotation, and back: an export writes each self-report as an
// annotation `SAM valence=7 arousal=3 dominance=5: text` (EDF+/BDF+ TALs, the CSV markers file), and
// an import reads such an annotation as a self-report again. It came back as a marker with that
// label: a session moved to another computer as EDF+ lost its ratings (the library's SAM count, the
// timeline's dots, the labels a training run takes from self-reports).
import { SAM_MAX, SAM_MIN } from '../session.types';

export interface SamRatings {
  valence: number;
  arousal: number;
  dominance: number;
  /** Free text ('' when none). */
  text: string;
}

/** The annotation text of a self-report. */
export function samAnnotationLabel(r: SamRatings): string {
  return `SAM valence=${r.valence} arousal=${r.arousal} dominance=${r.dominance}${r.text ? `: ${r.text}` : ''}`;
}

const SAM_LABEL = /^SAM valence=(\d+) arousal=(\d+) dominance=(\d+)(?:: ([\s\S]*))?$/;

/** The ratings an annotation written by samAnnotationLabel holds, or null (another label, a rating outside SAM_MIN–SAM_MAX). */
export function parseSamAnnotation(label: string): SamRatings | null {
  const m = SAM_LABEL.exec(label);
  if (!m) return null;
  const [valence, arousal, dominance] = [m[1], m[2], m[3]].map(Number);
  if (![valence, arousal, dominance].every((v) => v >= SAM_MIN && v <= SAM_MAX)) return null;
  return { valence, arousal, dominance, text: m[4] ?? '' };
}
