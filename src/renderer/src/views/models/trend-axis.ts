// The time axis of an estimate's trend: seconds before the latest window, at least a minute wide
// and growing by whole minutes, with ticks at a sixth of its width. Ticks placed by chart.js on a
// few seconds of data and rounded to whole seconds read "-1 s, -1 s, -1 s, 0 s, 0 s, 0 s". And the
// trend's line, with a break over a stop. Pure.

import type { TrendPoint } from '../../inference/trend';

/** The narrowest axis, s: the first answers sit at the right of a minute instead of filling the width. */
export const TREND_MIN_SPAN_S = 60;

export interface TrendAxis {
  /** Left end, s (negative: before the latest window). */
  min: number;
  /** Tick spacing, s. */
  stepS: number;
}

/** The axis for points reaching `oldestS` seconds before the latest (≥ 0). */
export function trendAxis(oldestS: number): TrendAxis {
  const span = Math.max(TREND_MIN_SPAN_S, Math.ceil(Math.max(0, oldestS) / 60) * 60);
  return { min: -span, stepS: span / 6 };
}

/** A tick's words: "now", "−40 s" up to two minutes, "−3:20" beyond. */
export function trendTickLabel(valueS: number, axis: TrendAxis): string {
  const v = Math.round(-valueS);
  if (v <= 0) return 'now';
  if (-axis.min <= 120) return `−${v} s`;
  return `−${Math.floor(v / 60)}:${String(v % 60).padStart(2, '0')}`;
}

/** Answers further apart than this (s) are not joined by the trend's line: the devices stopped, or a replay skipped ahead. */
export const TREND_BREAK_S = 10;

/**
 * The chart's points for class `cls`: x seconds before the latest answer, y its probability, and a
 * null point (a break in the line) between two answers more than TREND_BREAK_S apart, where the
 * line bridged a stop as if the estimate had moved straight from one value to the other.
 */
export function trendLine(points: readonly TrendPoint[], cls: number): { x: number; y: number | null }[] {
  const t0 = points.length ? points[points.length - 1].t : 0;
  const out: { x: number; y: number | null }[] = [];
  points.forEach((p, i) => {
    if (i > 0 && p.t - points[i - 1].t > TREND_BREAK_S) out.push({ x: (p.t + points[i - 1].t) / 2 - t0, y: null });
    out.push({ x: p.t - t0, y: p.p[cls] });
  });
  return out;
}
