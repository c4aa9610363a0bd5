// The renderer's view of the bridge: its type comes from the implementation (api.ts), never
// written twice. Absent outside Electron (serve mode), hence optional.
import type { BridgeApi } from './api';

declare global {
  interface Window {
    heartmind?: BridgeApi;
  }
}

export type HeartMindApi = BridgeApi;
