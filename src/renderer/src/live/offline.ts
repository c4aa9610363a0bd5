// Whether what the page holds is current: after the connection to the core is lost (it was killed,
// it restarted, the network went) every figure, device state and trace is the last it sent. Pure
// (tested under Node).
import { clockTimeS } from '../../../shared/clock-time';
import type { LiveStore } from './live-store';

/**
 * "no contact with the core since 17:19:02", or null while connected and before the first
 * connection (the page holds nothing yet).
 */
export function offlineText(live: Pick<LiveStore, 'connection' | 'lostAt'>): string | null {
  if (live.connection === 'open' || live.lostAt === null) return null;
  return `no contact with the core since ${clockTimeS(live.lostAt)}`;
}
