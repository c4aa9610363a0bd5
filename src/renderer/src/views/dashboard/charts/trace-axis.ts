// The traces' time axis: a tick step that fits the span shown, and labels with as many decimals as
// the step needs. chart.js alone put ticks every 0.2 s on a 2-s span and the label rounded those
// beyond a second to whole seconds: "−2 s, −2 s, −2 s, −1 s, −1 s, −1 s, −0.8 s …". Pure.

const STEPS_S = [0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60];
/** At most this many intervals between ticks (11 ticks with both ends). */
const MAX_INTERVALS = 10;

/** Seconds between ticks for a span of `seconds`. */
export function traceTickStep(seconds: number): number {
  return STEPS_S.find((s) => seconds / s <= MAX_INTERVALS + 1e-9) ?? STEPS_S[STEPS_S.length - 1];
}

/** A tick's words: "0 s", "−1.8 s" (a step under a second), "−4 s". */
export function traceTickLabel(valueS: number, stepS: number): string {
  const digits = stepS < 1 ? 1 : 0;
  const v = Number(valueS.toFixed(digits));
  return `${v === 0 ? '0' : v.toFixed(digits)} s`;
}
