// chart.js, registered once with only the pieces the dashboard uses (tree-shaken), the dark
// theme's defaults, and createChart, which every chart of the app is made with. Every chart runs
// with animation off: data changes many times a second.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Decimation,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type ChartOptions,
  type ChartType,
  type DefaultDataPoint,
} from 'chart.js';

let registered = false;

export const THEME = {
  text: '#c9d1e4',
  muted: '#7d879f',
  grid: 'rgba(125, 135, 159, 0.14)',
  eeg: ['#7fb4ff', '#a8cbff'],
  ecg: '#ff6b81',
  peak: '#ffd166',
  /** Event markers on the traces (key M, UDP/WebSocket, annotations) and SAM self-reports. */
  marker: '#e0a3ff',
  selfReport: '#3ddc97',
  /** Behind text drawn over traces (the panels' background, nearly opaque). */
  plate: 'rgba(21, 26, 38, 0.85)',
  bands: ['#6c8cff', '#42c6ff', '#3ddc97', '#ffd166', '#ff7b9c'],
  spectrum: '#9b8cff',
};

export function setupCharts(): typeof Chart {
  if (registered) return Chart;
  Chart.register(LineController, LineElement, PointElement, BarController, BarElement, LinearScale, LogarithmicScale, CategoryScale, Decimation, Tooltip, Legend);
  Chart.defaults.color = THEME.text;
  Chart.defaults.borderColor = THEME.grid;
  Chart.defaults.font.family = 'Inter, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  Chart.defaults.font.size = 11;
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  registered = true;
  return Chart;
}

/**
 * How a chart is fed, which decides the options it shares with the others:
 * - 'categories': chart.js parses the data (bars over labelled categories);
 * - 'points': ready {x, y} objects, not parsed;
 * - 'live': points replaced many times a second, sorted by x: also normalised, deaf to pointer
 *   events (no tooltip, no legend) and min-max decimated.
 */
export type ChartFeed = 'categories' | 'points' | 'live';

/**
 * A chart.js chart on `canvas`, announced to screen readers as an image labelled `ariaLabel`, with
 * the options its feed shares (animation off, filling its box); `config.options` add to them.
 */
export function createChart<TType extends ChartType, TData = DefaultDataPoint<TType>, TLabel = unknown>(
  canvas: HTMLCanvasElement,
  ariaLabel: string,
  feed: ChartFeed,
  config: ChartConfiguration<TType, TData, TLabel>,
): Chart<TType, TData, TLabel> {
  const ChartClass = setupCharts();
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', ariaLabel);
  const own: { plugins?: object } = config.options ?? {};
  const options = {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    ...(feed !== 'categories' && { parsing: false }),
    ...(feed === 'live' && { normalized: true, events: [] }),
    ...own,
    plugins: {
      ...(feed === 'live' && {
        // false, not { display: false }: chart.js then skips the plugins altogether. A hidden
        // legend still rebuilds its labels (resolving every dataset's style) on each update.
        legend: false,
        tooltip: false,
        // On, as a safety net: live charts feed points already decimated below its threshold.
        decimation: { enabled: true, algorithm: 'min-max' },
      }),
      ...own.plugins,
    },
  } as ChartOptions<TType>;
  return new ChartClass<TType, TData, TLabel>(canvas, { ...config, options });
}
