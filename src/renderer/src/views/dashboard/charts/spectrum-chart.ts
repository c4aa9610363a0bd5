// The EEG power spectrum (mean over channels), log power, with the EEG bands shaded behind it.
import type { Chart as ChartType, Plugin } from 'chart.js';
import { EEG_BANDS, type EegFeatures } from '../../../../../shared/features.types';
import { createChart, THEME } from './chart-setup';

type Pt = { x: number; y: number };
/** Past 60 Hz mains (the Americas) and the default 75 Hz low-pass: a 60 Hz line sat on the axis' edge. */
const MAX_HZ = 80;
const BAND_SYMBOLS = ['δ', 'θ', 'α', 'β', 'γ'];
/**
 * Decades of power shown below the spectrum's peak (60 dB). Auto-ranged to the lowest bin, a notch
 * or a recording's own low-pass (EEGMAT is filtered at 45 Hz and notched at 50) pulled the axis
 * down to 1e-9 µV²/Hz: ten decades, the EEG's own 1–45 Hz shape squeezed into the top three.
 */
export const SPECTRUM_DECADES = 6;

/** The y axis' lower end: whole decades, SPECTRUM_DECADES below the largest power (undefined: auto). */
export function spectrumFloor(psd: ArrayLike<number>): number | undefined {
  let max = 0;
  for (let i = 0; i < psd.length; i++) if (psd[i] > max && Number.isFinite(psd[i])) max = psd[i];
  // An exact decade: 10 ** -5 is 9.999…e-6.
  return max > 0 ? Number(`1e${Math.floor(Math.log10(max) - SPECTRUM_DECADES)}`) : undefined;
}

const bandShading: Plugin<'line'> = {
  id: 'hmBandShading',
  beforeDatasetsDraw(chart) {
    const { ctx, chartArea, scales } = chart;
    const x = scales.x;
    ctx.save();
    EEG_BANDS.forEach((b, i) => {
      const x0 = x.getPixelForValue(b.lowHz);
      const x1 = x.getPixelForValue(b.highHz);
      ctx.fillStyle = THEME.bands[i] + '1a';
      ctx.fillRect(x0, chartArea.top, x1 - x0, chartArea.bottom - chartArea.top);
      ctx.fillStyle = THEME.muted;
      ctx.font = '10px system-ui, sans-serif';
      ctx.fillText(BAND_SYMBOLS[i] ?? b.name, (x0 + x1) / 2 - 3, chartArea.top + 11);
    });
    ctx.restore();
  },
};

export class SpectrumChart {
  private readonly chart: ChartType<'line', Pt[]>;
  private readonly points: Pt[] = [];

  constructor(canvas: HTMLCanvasElement) {
    this.chart = createChart<'line', Pt[]>(canvas, `EEG power spectrum, mean over channels, 0 to ${MAX_HZ} Hz, logarithmic power`, 'live', {
      type: 'line',
      data: { datasets: [{ data: this.points, borderColor: THEME.spectrum, borderWidth: 1.5, pointRadius: 0, fill: false }] },
      options: {
        scales: {
          x: { type: 'linear', min: 0, max: MAX_HZ, ticks: { callback: (v) => `${v} Hz`, stepSize: 10 }, grid: { color: THEME.grid } },
          y: { type: 'logarithmic', ticks: { callback: (v) => (Math.log10(Number(v)) % 1 === 0 ? Number(v).toExponential(0) : '') }, grid: { color: THEME.grid }, title: { display: true, text: 'µV²/Hz', color: THEME.muted } },
        },
      },
      plugins: [bandShading],
    });
  }

  update(f: EegFeatures | undefined): void {
    this.points.length = 0;
    if (f) {
      const { freqHz, psd } = f.spectrum;
      for (let i = 0; i < freqHz.length && freqHz[i] <= MAX_HZ; i++) {
        if (freqHz[i] > 0 && psd[i] > 0 && Number.isFinite(psd[i])) this.points.push({ x: freqHz[i], y: psd[i] });
      }
    }
    const y = this.chart.options.scales?.y;
    if (y) y.min = spectrumFloor(this.points.map((p) => p.y));
    this.chart.update('none');
  }

  destroy(): void {
    this.chart.destroy();
  }
}
