// Host times as local wall-clock time: the shared formatter (the main process writes its times the same way).
export { clockTime, clockTimeS } from '../../../shared/clock-time';
