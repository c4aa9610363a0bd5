// One line in the app's log panel (and the core's stderr).
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogEntry {
  /** Host time (s). */
  time: number;
  level: LogLevel;
  /** Who says it: 'hub', 'device:sim-eeg-1', 'recorder', 'model'. */
  source: string;
  message: string;
}
