// Trend of a task's estimate over the last minutes: P(positive class) for a binary task, one line
// per class for a multiclass task.
import type { Chart as ChartType } from 'chart.js';
import type { TaskSpec } from '../../../../shared/model/model.types';
import { createChart, THEME } from '../dashboard/charts/chart-setup';
import { trendAxis, trendLine, trendTickLabel, type TrendAxis } from './trend-axis';
import type { TrendPoint } from '../../inference/trend';

const CLASS_COLOURS = ['#3ddc97', '#7fb4ff', '#ffd166', '#ff7b9c', '#9b8cff', '#42c6ff'];

export class TrendChart {
  private readonly chart: ChartType<'line', { x: number; y: number | null }[]>;
  private axis: TrendAxis = trendAxis(0);

  constructor(
    canvas: HTMLCanvasElement,
    private readonly task: TaskSpec,
  ) {
    const series = task.kind === 'binary' ? [`P(${task.classes[1]})`] : task.classes;
    this.chart = createChart<'line', { x: number; y: number | null }[]>(canvas, `${task.name} estimate over the last minutes`, 'points', {
      type: 'line',
      data: { datasets: series.map((label, i) => ({ label, data: [], borderColor: CLASS_COLOURS[i % CLASS_COLOURS.length], borderWidth: 1.5, pointRadius: 0, tension: 0.2 })) },
      options: {
        scales: {
          x: { type: 'linear', min: this.axis.min, max: 0, ticks: { stepSize: this.axis.stepS, callback: (v) => trendTickLabel(Number(v), this.axis) }, grid: { color: THEME.grid } },
          y: { min: 0, max: 1, ticks: { stepSize: 0.25, callback: (v) => `${Math.round(Number(v) * 100)}%` }, grid: { color: THEME.grid } },
        },
        // The legend also for a binary task's one line: unnamed, P(arithmetic) under 'rest 75 %' read as the answer's confidence.
        plugins: { legend: { display: true, position: 'top', align: 'end', labels: { boxWidth: 10, boxHeight: 10 } }, tooltip: { enabled: true } },
      },
    });
  }

  update(points: TrendPoint[]): void {
    const t0 = points.length ? points[points.length - 1].t : 0;
    this.axis = trendAxis(points.length ? t0 - points[0].t : 0);
    const x = this.chart.options.scales?.x;
    if (x && x.type === 'linear') {
      x.min = this.axis.min;
      if (x.ticks) x.ticks.stepSize = this.axis.stepS;
    }
    this.chart.data.datasets.forEach((ds, i) => {
      ds.data = trendLine(points, this.task.kind === 'binary' ? 1 : i);
    });
    this.chart.update('none');
  }

  destroy(): void {
    this.chart.destroy();
  }
}
