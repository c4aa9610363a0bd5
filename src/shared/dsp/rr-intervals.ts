// Normal-to-normal (NN) RR intervals and the heart figures over them: the one rule the live
// dashboard (pipeline/features.ts) and the baseline (train/baseline/features.ts) both use.
//
// An R-peak detector on a noisy lead fires on movement artefacts: a false beat splits an 800-ms
// interval into 300 + 500, both within the physiological range, and RMSSD doubles (EEGMAT
// Subject01_2: 73 ms, 19 ms over NN intervals). A missed beat doubles an interval; an ectopic beat
// gives a short interval and a compensatory long one. HRV practice computes its figures over NN
// intervals only (Task Force of the ESC/NASPE 1996): the usual rule rejects an interval more than
// 20 % off the local rhythm (Malik et al. 1989), which Kubios and NeuroKit judge against a median
// of nearby intervals rather than the previous one, so that one bad interval does not condemn the
// next good one.

/**
 * RR intervals outside [RR_MIN_MS, RR_MAX_MS] are not physiological (HR 24–240 bpm): never normal.
 */
export const RR_MIN_MS = 250;
export const RR_MAX_MS = 2500;
/** An interval more than this fraction off the median of its neighbours is not normal. */
export const NN_TOLERANCE = 0.2;
/** Neighbours on each side an interval is judged against (in-range ones only). */
export const NN_NEIGHBOURS = 5;
/** Fewer in-range neighbours than this and an in-range interval is kept unjudged. */
export const NN_MIN_NEIGHBOURS = 3;

const inRange = (v: number): boolean => v >= RR_MIN_MS && v <= RR_MAX_MS;

/**
 * Which intervals of a series of successive RR intervals (ms) are normal-to-normal: 1 where the
 * interval is within [RR_MIN_MS, RR_MAX_MS] and within ±NN_TOLERANCE of the median of the in-range
 * intervals among its NN_NEIGHBOURS neighbours on each side (itself excluded); judged only when at
 * least NN_MIN_NEIGHBOURS such neighbours exist (the first beats of a stream, a lone stretch
 * between gaps: kept if in range). NaN in the series is a gap (no interval known there, e.g. a
 * segment boundary): never normal, no one's neighbour, and no successive pair spans it.
 *
 * Why these numbers: ±5 intervals (about 4–8 s) follows the rhythm's slow changes while one or two
 * artefacts among ten cannot move the median; three neighbours still outvote one outlier in a
 * 5-s window of four intervals. A single false beat (800 → 300 + 500 ms), a missed one
 * (800 → 1600 ms) and an ectopic one with its compensatory pause (800 → 560 + 1040 ms) are each
 * rejected on both sides; a 10 % change of rate beat to beat is kept.
 */
export function normalRrMask(rrMs: ArrayLike<number>): Uint8Array {
  const n = rrMs.length;
  const out = new Uint8Array(n);
  const nb: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = rrMs[i];
    if (!inRange(v)) continue;
    nb.length = 0;
    for (let j = Math.max(0, i - NN_NEIGHBOURS); j <= Math.min(n - 1, i + NN_NEIGHBOURS); j++) if (j !== i && inRange(rrMs[j])) nb.push(rrMs[j]);
    if (nb.length < NN_MIN_NEIGHBOURS) {
      out[i] = 1;
      continue;
    }
    nb.sort((a, b) => a - b);
    const h = nb.length >> 1;
    const median = nb.length % 2 ? nb[h] : (nb[h - 1] + nb[h]) / 2;
    out[i] = Math.abs(v - median) <= NN_TOLERANCE * median ? 1 : 0;
  }
  return out;
}

export interface NnFigures {
  /** Normal intervals counted. */
  count: number;
  /** Their mean, ms (NaN when none): heart rate = 60 000 / meanNnMs. */
  meanNnMs: number;
  /** Root mean square of the differences of successive normal intervals, ms; NaN without a pair. */
  rmssdMs: number;
  /** Successive normal pairs RMSSD is over (both intervals normal and adjacent in the series). */
  pairs: number;
  /** Sample standard deviation (n − 1) of the normal intervals, ms; NaN with fewer than two. */
  sdnnMs: number;
}

/**
 * Heart figures over the normal intervals of a series of successive RR intervals (ms): `normal`
 * marks them (default: `normalRrMask` of the series). RMSSD pairs only intervals adjacent in the
 * series, so a rejected interval between two normal ones breaks their pair.
 */
export function nnFigures(rrMs: ArrayLike<number>, normal: ArrayLike<number> = normalRrMask(rrMs)): NnFigures {
  let count = 0;
  let sum = 0;
  let sq = 0;
  let pairs = 0;
  for (let i = 0; i < rrMs.length; i++) {
    if (!normal[i]) continue;
    count++;
    sum += rrMs[i];
    if (i > 0 && normal[i - 1]) {
      sq += (rrMs[i] - rrMs[i - 1]) ** 2;
      pairs++;
    }
  }
  const meanNnMs = count ? sum / count : NaN;
  let dev = 0;
  for (let i = 0; i < rrMs.length; i++) if (normal[i]) dev += (rrMs[i] - meanNnMs) ** 2;
  return { count, meanNnMs, rmssdMs: pairs ? Math.sqrt(sq / pairs) : NaN, pairs, sdnnMs: count >= 2 ? Math.sqrt(dev / (count - 1)) : NaN };
}
