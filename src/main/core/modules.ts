// The areas of the core, started in this order after the live pipeline (which owns the hub's
// devices and must be first). Each area adds ONE line: its name and a lazy import of its
// CoreModule (see core.types.ts), e.g.
//   { name: 'sessions', load: async () => (await import('../sessions/sessions.core')).sessionsModule },
import type { CoreModuleEntry } from './core.types';

export const CORE_MODULES: CoreModuleEntry[] = [
  { name: 'models', load: async () => (await import('../model/models.core')).modelsModule },
  { name: 'sessions', load: async () => (await import('../sessions/sessions.core')).sessionsModule },
];
