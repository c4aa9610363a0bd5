// The figures a run folder holds, as standalone SVG (readable on a headless server, in a browser,
// in a paper draft): loss curves, ROC curves of the evaluation's arms, confusion matrices. The
// Training view draws the same data live with chart.js.
import type { ArmResult, EpochRecord, StepRecord } from './train.types';

const W = 640;
const H = 400;
const M = { l: 60, r: 20, t: 36, b: 48 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf', '#7f7f7f', '#bcbd22'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 1 ? v.toFixed(2) : a >= 0.01 ? v.toFixed(3) : v.toExponential(1);
}

interface Series {
  name: string;
  x: number[];
  y: number[];
  dashed?: boolean;
}

/**
 * Ticks of an axis that counts (epochs): whole numbers only, at most six, a step of 1, 2 or 5 times
 * a power of ten, so a fit of two epochs reads 1 and 2 rather than 1.00, 1.25 … 2.00.
 */
export function integerTicks(lo: number, hi: number): number[] {
  const a = Math.ceil(lo);
  const b = Math.floor(hi);
  if (!(b >= a)) return [];
  const count = (step: number) => Math.floor(b / step) - Math.ceil(a / step) + 1;
  let step = 1;
  for (let k = 0; count(step) > 6; k++) step = [1, 2, 5][k % 3] * 10 ** Math.floor(k / 3);
  const out: number[] = [];
  for (let v = Math.ceil(a / step) * step; v <= b; v += step) out.push(v);
  return out;
}

function lineChart(title: string, xLabel: string, yLabel: string, series: Series[], opts: { xRange?: [number, number]; yRange?: [number, number]; diagonal?: boolean; logY?: boolean; integerX?: boolean; legend?: 'top-right' | 'bottom-right' } = {}): string {
  const xs = series.flatMap((s) => s.x);
  const ys = series.flatMap((s) => s.y).filter((v) => Number.isFinite(v) && (!opts.logY || v > 0));
  const tf = (v: number) => (opts.logY ? Math.log10(v) : v);
  const [x0, x1] = opts.xRange ?? [Math.min(...xs, 0), Math.max(...xs, 1)];
  let [y0, y1] = opts.yRange ?? [Math.min(...ys.map(tf)), Math.max(...ys.map(tf))];
  if (!Number.isFinite(y0) || !Number.isFinite(y1)) [y0, y1] = [0, 1];
  if (y1 - y0 < 1e-12) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const px = (v: number) => M.l + ((v - x0) / (x1 - x0 || 1)) * (W - M.l - M.r);
  const py = (v: number) => H - M.b - ((tf(v) - y0) / (y1 - y0)) * (H - M.t - M.b);
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`, `<rect width="${W}" height="${H}" fill="white"/>`, `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>`];
  out.push(`<line x1="${M.l}" y1="${H - M.b}" x2="${W - M.r}" y2="${H - M.b}" stroke="black"/><line x1="${M.l}" y1="${M.t}" x2="${M.l}" y2="${H - M.b}" stroke="black"/>`);
  for (let k = 0; k <= 4; k++) {
    const xv = x0 + ((x1 - x0) * k) / 4;
    const yv = y0 + ((y1 - y0) * k) / 4;
    if (!opts.integerX) out.push(`<text x="${px(xv)}" y="${H - M.b + 16}" text-anchor="middle">${fmt(xv)}</text>`);
    const yy = H - M.b - (k / 4) * (H - M.t - M.b);
    out.push(`<text x="${M.l - 6}" y="${yy + 4}" text-anchor="end">${fmt(opts.logY ? 10 ** yv : yv)}</text><line x1="${M.l}" y1="${yy}" x2="${W - M.r}" y2="${yy}" stroke="#eee"/>`);
  }
  if (opts.integerX) for (const xv of integerTicks(x0, x1)) out.push(`<text x="${px(xv)}" y="${H - M.b + 16}" text-anchor="middle">${xv}</text>`);
  out.push(`<text x="${W / 2}" y="${H - 10}" text-anchor="middle">${esc(xLabel)}</text><text x="16" y="${H / 2}" text-anchor="middle" transform="rotate(-90 16 ${H / 2})">${esc(yLabel)}</text>`);
  if (opts.diagonal) out.push(`<line x1="${px(0)}" y1="${py(0)}" x2="${px(1)}" y2="${py(1)}" stroke="#999" stroke-dasharray="4 4"/>`);
  // The legend's rows: from the top right, or up from the bottom right (ROC curves run along the top).
  const drawn = series.filter((s) => s.x.some((_, k) => Number.isFinite(s.y[k]) && (!opts.logY || s.y[k] > 0))).length;
  const legendY = (row: number) => (opts.legend === 'bottom-right' ? H - M.b - 10 - (drawn - row) * 16 : M.t + 6 + row * 16);
  let row = 0;
  series.forEach((s, i) => {
    const pts = s.x.map((x, k) => [x, s.y[k]] as const).filter(([, y]) => Number.isFinite(y) && (!opts.logY || y > 0));
    if (pts.length === 0) return;
    const c = COLORS[i % COLORS.length];
    out.push(`<polyline fill="none" stroke="${c}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="6 3"' : ''} points="${pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`);
    // The swatch is drawn as its line is (a dashed baseline read as a solid one).
    const y = legendY(row++);
    out.push(`<line x1="${W - M.r - 222}" y1="${y + 1.5}" x2="${W - M.r - 200}" y2="${y + 1.5}" stroke="${c}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="6 3"' : ''}/><text x="${W - M.r - 194}" y="${y + 5}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

/** Training loss per step of one phase (log scale), with the per-epoch mean. */
export function lossCurveSvg(phase: string, steps: StepRecord[], epochs: EpochRecord[]): string {
  const s = steps.filter((r) => r.phase === phase);
  const e = epochs.filter((r) => r.phase === phase);
  const perEpoch = s.length ? s.length / Math.max(1, e.length) : 1;
  return lineChart(`${phase}: training loss`, 'step', 'loss', [
    { name: 'step loss', x: s.map((r) => r.step), y: s.map((r) => r.loss) },
    { name: 'epoch mean', x: e.map((r) => r.epoch * perEpoch), y: e.map((r) => r.trainLoss), dashed: true },
  ], { logY: true, integerX: true }); // steps count: a 3-step quick run's axis read 0, 0.75, 1.50 …
}

/** ROC curves of every arm (pooled test predictions over the folds), AUROC in the legend. */
export function rocSvg(title: string, arms: ArmResult[]): string {
  return lineChart(
    title,
    'false positive rate',
    'true positive rate',
    arms.filter((a) => a.roc.x.length).map((a) => ({ name: `${a.arm} (${a.table.pooled ? a.table.pooled.auroc.toFixed(3) : '–'})`, x: a.roc.x, y: a.roc.y, dashed: a.init === 'baseline' })),
    { xRange: [0, 1], yRange: [0, 1], diagonal: true, legend: 'bottom-right' },
  );
}

/** A K×K confusion matrix (rows true, columns predicted) with counts and row percentages. */
export function confusionSvg(title: string, counts: number[], classes: string[]): string {
  const K = classes.length;
  const cell = 90;
  const x0 = 130;
  const y0 = 60;
  const w = x0 + K * cell + 30;
  const h = y0 + K * cell + 50;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="13">`, `<rect width="${w}" height="${h}" fill="white"/>`, `<text x="${w / 2}" y="22" text-anchor="middle" font-size="14">${esc(title)}</text>`];
  for (let t = 0; t < K; t++) {
    const rowSum = classes.reduce((s, _, p) => s + (counts[t * K + p] ?? 0), 0);
    out.push(`<text x="${x0 - 8}" y="${y0 + t * cell + cell / 2 + 4}" text-anchor="end">true ${esc(classes[t])}</text>`);
    for (let p = 0; p < K; p++) {
      const c = counts[t * K + p] ?? 0;
      const frac = rowSum ? c / rowSum : 0;
      const shade = Math.round(255 - frac * 180);
      out.push(`<rect x="${x0 + p * cell}" y="${y0 + t * cell}" width="${cell}" height="${cell}" fill="rgb(${shade},${shade},255)" stroke="#555"/>`);
      out.push(`<text x="${x0 + p * cell + cell / 2}" y="${y0 + t * cell + cell / 2}" text-anchor="middle">${c}</text><text x="${x0 + p * cell + cell / 2}" y="${y0 + t * cell + cell / 2 + 16}" text-anchor="middle" font-size="11">${(frac * 100).toFixed(0)}%</text>`);
    }
  }
  for (let p = 0; p < K; p++) out.push(`<text x="${x0 + p * cell + cell / 2}" y="${y0 + K * cell + 18}" text-anchor="middle">pred ${esc(classes[p])}</text>`);
  out.push('</svg>');
  return out.join('\n');
}

/**
 * Fine-tuning per epoch over several fits (one arm's evaluation folds), each figure the mean over the
 * fits that reached that epoch: the training loss and the validation AUROC and balanced accuracy
 * (NaN where no fit has one: no validation subjects, or a validation set of one class).
 */
export function fitCurveMeans(epochs: readonly EpochRecord[]): { epoch: number[]; trainLoss: number[]; auroc: number[]; balancedAccuracy: number[] } {
  const by = new Map<number, EpochRecord[]>();
  for (const e of epochs) by.set(e.epoch, [...(by.get(e.epoch) ?? []), e]);
  const epoch = [...by.keys()].sort((a, b) => a - b);
  const mean = (f: (e: EpochRecord) => number | undefined) =>
    epoch.map((x) => {
      const v = by.get(x)!.map(f).filter((y): y is number => typeof y === 'number' && Number.isFinite(y));
      return v.length ? v.reduce((s, y) => s + y, 0) / v.length : NaN;
    });
  return { epoch, trainLoss: mean((e) => e.trainLoss), auroc: mean((e) => e.validation?.auroc), balancedAccuracy: mean((e) => e.validation?.balancedAccuracy) };
}

/** fitCurveMeans drawn: one arm's fine-tuning over its folds (the Training view's chart of the latest fold, for all folds). */
export function fitCurvesSvg(title: string, epochs: readonly EpochRecord[]): string {
  const m = fitCurveMeans(epochs);
  const series: Series[] = [{ name: 'training loss', x: m.epoch, y: m.trainLoss, dashed: true }];
  if (m.auroc.some(Number.isFinite)) series.push({ name: 'validation AUROC', x: m.epoch, y: m.auroc });
  if (m.balancedAccuracy.some(Number.isFinite)) series.push({ name: 'validation balanced accuracy', x: m.epoch, y: m.balancedAccuracy });
  return lineChart(title, 'epoch', 'mean over folds', series, { xRange: [Math.min(1, m.epoch[0] ?? 1), Math.max(2, m.epoch[m.epoch.length - 1] ?? 1)], integerX: true });
}
