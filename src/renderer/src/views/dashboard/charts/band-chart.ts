// Band power per EEG channel: stacked bars of each band's share of 1–45 Hz power (%), which reads
// at a glance for 4 or 32 channels; the tooltip gives the absolute µV².
import type { Chart as ChartType } from 'chart.js';
import { EEG_BANDS, type EegFeatures } from '../../../../../shared/features.types';
import { createChart, THEME } from './chart-setup';

/** Channel count from which the x labels are drawn upright. */
const UPRIGHT_LABELS_FROM = 8;

export class BandChart {
  private readonly chart: ChartType<'bar', number[], string>;
  private absolute: number[][] = [];

  constructor(canvas: HTMLCanvasElement) {
    this.chart = createChart<'bar', number[], string>(canvas, 'EEG band power per channel, delta to gamma, as a share of total power', 'categories', {
      type: 'bar',
      data: {
        labels: [],
        datasets: EEG_BANDS.map((b, i) => ({ label: b.name, data: [], backgroundColor: THEME.bands[i], borderWidth: 0, barPercentage: 0.9, categoryPercentage: 0.9 })),
      },
      options: {
        scales: {
          x: { stacked: true, ticks: { autoSkip: true, maxRotation: 90, font: { size: 10 } }, grid: { display: false } },
          y: { stacked: true, min: 0, max: 100, ticks: { callback: (v) => `${v}%`, stepSize: 25 }, grid: { color: THEME.grid } },
        },
        plugins: {
          legend: { position: 'top', align: 'end', labels: { boxWidth: 10, boxHeight: 10, padding: 8 } },
          tooltip: {
            callbacks: {
              label: (ctx) => {
                const abs = this.absolute[ctx.dataIndex]?.[ctx.datasetIndex];
                return `${ctx.dataset.label}: ${Number(ctx.raw).toFixed(1)} % (${abs === undefined ? '–' : abs.toFixed(1)} µV²)`;
              },
            },
          },
        },
      },
    });
  }

  update(f: EegFeatures | undefined): void {
    const labels = f?.channels ?? [];
    this.absolute = f?.bandPower ?? [];
    this.chart.data.labels = labels;
    // Beyond a few channels the labels stand upright, so that every channel of a 19- or 32-channel
    // cap is named (lying flat, every other one was skipped); 64 still skips some.
    const x = this.chart.options.scales?.x;
    if (x?.ticks) x.ticks.minRotation = labels.length > UPRIGHT_LABELS_FROM ? 90 : 0;
    this.chart.data.datasets.forEach((ds, b) => {
      ds.data = this.absolute.map((row) => {
        const total = row.reduce((a, v) => a + (Number.isFinite(v) ? v : 0), 0);
        return total > 0 && Number.isFinite(row[b]) ? (100 * row[b]) / total : 0;
      });
    });
    this.chart.update('none');
  }

  destroy(): void {
    this.chart.destroy();
  }
}
