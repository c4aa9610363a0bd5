// The estimates' trend per task: the answers of the last minutes, in time order. Pure (tested under Node).

/** A trend point: host time (s) of the window, per class probability (InferenceState.trend). */
export interface TrendPoint {
  t: number;
  p: number[];
}

/**
 * Adds an answer to a task's trend, keeping `keepS` seconds before it. An answer earlier than the
 * last kept (a replay sought back, or another session replayed) starts the trend again from the
 * points before it: kept, the later points sat right of "now", off the chart, and the line ran in
 * from its right edge to the new answer.
 */
export function addTrendPoint(series: TrendPoint[], point: TrendPoint, keepS: number): void {
  while (series.length && series[series.length - 1].t >= point.t) series.pop();
  series.push(point);
  while (series.length && series[0].t < point.t - keepS) series.shift();
}
