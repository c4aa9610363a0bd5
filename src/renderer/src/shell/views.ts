// The app's views, in navigation order. A view is a lazily loaded module whose default export is
// a component taking ViewProps. Each area adds its view with ONE line here, e.g.
//   { id: 'sessions', title: 'Sessions', icon: '▤', load: () => import('../views/sessions/sessions-view') },
// and keeps everything else in its own folder src/renderer/src/views/<area>/.
import type { ComponentType } from 'preact';
import type { HeartMindClient } from '../transport/client';
import type { LiveStore } from '../live/live-store';

export interface ViewProps {
  client: HeartMindClient;
  live: LiveStore;
}

export interface ViewEntry {
  /** URL fragment: #/<id>. */
  id: string;
  title: string;
  /** One character or emoji shown in the navigation. */
  icon: string;
  load: () => Promise<{ default: ComponentType<ViewProps> }>;
}

export const VIEWS: ViewEntry[] = [
  { id: 'live', title: 'Live', icon: '◉', load: () => import('../views/dashboard/dashboard-view') },
  { id: 'models', title: 'Models', icon: '◈', load: () => import('../views/models/models-view') },
  { id: 'sessions', title: 'Sessions', icon: '▤', load: () => import('../views/sessions/sessions-view') },
  { id: 'training', title: 'Training', icon: '◭', load: () => import('../views/training/training-view') },
  { id: 'devices', title: 'Devices', icon: '⌁', load: () => import('../views/devices/devices-view') },
];
