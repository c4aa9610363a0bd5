// chart.js, registered once with only the pieces the dashboard uses (tree-shaken), and the dark
// theme's defaults. Every chart here runs with animation off: data changes many times a second.
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
} from 'chart.js';

let registered = false;

export const THEME = {
  text: '#c9d1e4',
  muted: '#7d879f',
  grid: 'rgba(125, 135, 159, 0.14)',
  eeg: ['#7fb4ff', '#a8cbff'],
  ecg: '#ff6b81',
  peak: '#ffd166',
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
