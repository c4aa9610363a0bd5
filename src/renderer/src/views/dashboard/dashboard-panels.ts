// Panels other areas put on the live dashboard, one line each, e.g. the models' live estimates:
//   { id: 'estimates', title: 'Estimates', column: 'side', load: () => import('../models/estimate-panel') },
// A panel is a lazily loaded module whose default export takes DashboardPanelProps; it lives in
// its area's own folder and subscribes to its own pushes through `client.on`.
import type { ComponentType } from 'preact';
import type { HeartMindClient } from '../../transport/client';
import type { LiveStore } from '../../live/live-store';

export interface DashboardPanelProps {
  client: HeartMindClient;
  live: LiveStore;
}

export interface DashboardPanelEntry {
  id: string;
  title: string;
  /** 'top': full width under the summary tiles; 'main': under the traces; 'side': first in the side column. */
  column: 'top' | 'main' | 'side';
  load: () => Promise<{ default: ComponentType<DashboardPanelProps> }>;
}

export const DASHBOARD_PANELS: DashboardPanelEntry[] = [
  // Recording and the model's estimates are what a session is about: both in view without scrolling.
  { id: 'recording', title: 'Recording', column: 'top', load: () => import('../sessions/record-bar') },
  { id: 'estimates', title: 'Estimates', column: 'side', load: () => import('../models/estimate-panel') },
];
