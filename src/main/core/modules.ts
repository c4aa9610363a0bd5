// The areas of the core, started in this order after the live pipeline (which owns the hub's
// devices and must be first). Each area adds ONE line to the list below: its name and a lazy
// import of its CoreModule (see core.types.ts), in the same form as the lines already there.
import type { CoreModuleEntry } from './core.types';

export const CORE_MODULES: CoreModuleEntry[] = [
  { name: 'models', load: async () => (await import('../model/models.core')).modelsModule },
  { name: 'sessions', load: async () => (await import('../sessions/sessions.core')).sessionsModule },
  { name: 'devices', load: async () => (await import('../devices/devices.core')).devicesModule },
  { name: 'training', load: async () => (await import('../train/training.core')).trainingModule },
];
