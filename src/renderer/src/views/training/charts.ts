// chart.js plots of the Training view: training loss per step (one line per phase), validation
// metrics per epoch, and ROC curves of the evaluation's arms.
import type { Chart as ChartType } from 'chart.js';
import type { ArmResult, StepRecord } from '../../../../shared/train/train.types';
import type { FitCurve } from '../../../../shared/train/epoch-curves';
import { setupCharts, THEME } from '../dashboard/charts/chart-setup';

const COLOURS = ['#7fb4ff', '#ff6b81', '#3ddc97', '#ffd166', '#9b8cff', '#42c6ff', '#ff7b9c', '#c9d1e4'];

type XY = { x: number; y: number };

export abstract class LineChart {
  protected readonly chart: ChartType<'line', XY[]>;
  constructor(
    readonly canvas: HTMLCanvasElement,
    label: string,
    /** integerX: an axis that counts (steps, epochs): whole-number ticks only (a two-epoch fit read 1, 1.1 … 2). */
    opts: { logY?: boolean; unitRange?: boolean; integerX?: boolean; xTitle: string; yTitle: string },
  ) {
    const Chart = setupCharts();
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', label);
    this.chart = new Chart(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        scales: {
          x: { type: 'linear', title: { display: true, text: opts.xTitle }, grid: { color: THEME.grid }, ...(opts.unitRange ? { min: 0, max: 1 } : {}), ...(opts.integerX ? { ticks: { precision: 0 } } : {}) },
          y: { type: opts.logY ? 'logarithmic' : 'linear', title: { display: true, text: opts.yTitle }, grid: { color: THEME.grid }, ...(opts.unitRange ? { min: 0, max: 1 } : {}) },
        },
        plugins: { legend: { display: true, position: 'top', align: 'end', labels: { boxWidth: 10, boxHeight: 10 } }, tooltip: { enabled: true } },
      },
    });
  }

  protected setSeries(series: { label: string; data: XY[]; dashed?: boolean }[]): void {
    this.chart.data.datasets = series.map((s, i) => ({ label: s.label, data: s.data, borderColor: COLOURS[i % COLOURS.length], backgroundColor: COLOURS[i % COLOURS.length], borderWidth: 1.5, pointRadius: s.data.length < 60 ? 2 : 0, tension: 0, ...(s.dashed ? { borderDash: [5, 4] } : {}) }));
    this.chart.update('none');
  }

  /** Points and lines (with any point) drawn: the view puts them on the canvas for the tests. */
  drawn(): { points: number; series: number } {
    const sets = this.chart.data.datasets;
    return { points: sets.reduce((s, d) => s + d.data.length, 0), series: sets.filter((d) => d.data.length > 0).length };
  }

  destroy(): void {
    this.chart.destroy();
  }
}

/** Loss per optimiser step, one line per phase (pretraining ECG, EEG; end-to-end fine-tuning). */
export class LossChart extends LineChart {
  constructor(canvas: HTMLCanvasElement) {
    super(canvas, 'training loss per step', { logY: true, integerX: true, xTitle: 'step', yTitle: 'loss' });
  }
  update(steps: StepRecord[]): void {
    const phases = [...new Set(steps.map((s) => s.phase))];
    this.setSeries(phases.map((p) => ({ label: p, data: steps.filter((s) => s.phase === p && s.loss > 0).map((s) => ({ x: s.step, y: s.loss })) })));
  }
}

/** Validation AUROC per epoch of the latest validated fine-tuning (fold, arm), with the epoch's training loss. */
export class ValidationChart extends LineChart {
  constructor(canvas: HTMLCanvasElement) {
    super(canvas, 'validation metrics per epoch', { integerX: true, xTitle: 'epoch', yTitle: 'value' });
  }
  update(curve: FitCurve): void {
    const cur = curve.epochs;
    const series: { label: string; data: XY[]; dashed?: boolean }[] = [
      { label: 'val AUROC', data: cur.filter((e) => e.validation).map((e) => ({ x: e.epoch, y: e.validation!.auroc })) },
      { label: 'val balanced acc.', data: cur.filter((e) => e.validation).map((e) => ({ x: e.epoch, y: e.validation!.balancedAccuracy })) },
      { label: 'train loss', data: cur.map((e) => ({ x: e.epoch, y: e.trainLoss })), dashed: true },
    ];
    this.setSeries(series);
  }
}

/** ROC curves (pooled test predictions) of every arm; the baseline dashed. */
export class RocChart extends LineChart {
  constructor(canvas: HTMLCanvasElement) {
    super(canvas, 'ROC curves of the evaluation', { unitRange: true, xTitle: 'false positive rate', yTitle: 'true positive rate' });
  }
  update(arms: ArmResult[]): void {
    this.setSeries([
      ...arms.filter((a) => a.roc.x.length).map((a) => ({ label: `${a.arm} (${a.table.pooled ? a.table.pooled.auroc.toFixed(3) : '–'})`, data: a.roc.x.map((x, i) => ({ x, y: a.roc.y[i] })), dashed: a.init === 'baseline' })),
      { label: 'chance', data: [{ x: 0, y: 0 }, { x: 1, y: 1 }], dashed: true },
    ]);
  }
}
