// The paired-device list, kept fresh from 'devices:paired' pushes and on every (re)connection;
// live statuses come from the LiveStore (the pipeline's device-status pushes).
import { useEffect, useState } from 'preact/hooks';
import type { PairedDevice } from '../../../../shared/devices/devices.types';
import type { HeartMindClient } from '../../transport/client';
import { messageOf } from '../../shell/error-message';
import { useRequest } from '../../shell/use-request';
import { isConnectCancelled } from '../../../../shared/devices/device-error';

/** Said where a connect ended because the user called it off. */
export const CANCELLED_NOTE = 'Connect cancelled: not connected.';

export function usePairedDevices(client: HeartMindClient): { devices: PairedDevice[] | null; error: string | null; refresh(): void } {
  const { value: devices, setValue: setDevices, error, refresh } = useRequest(() => client.invoke('hm:devices:list'), [client]);
  useEffect(() => {
    const offs = [client.on('devices:paired', (m) => setDevices(m.devices)), client.onConnection((s) => s === 'open' && refresh())];
    return () => offs.forEach((off) => off());
  }, [client]);
  return { devices, error, refresh };
}

/**
 * Runs one request at a time for a form: busy flag, error text, a note on what it did, and the
 * action wrapper, which resolves true when the request succeeded (a form stays open with what was
 * typed when it failed). `noteOf` turns the answer into a note (null: nothing to say).
 */
export function useAction(): {
  busy: string | null;
  error: string | null;
  note: string | null;
  run<T>(label: string, fn: () => Promise<T>, noteOf?: (result: T) => string | null): Promise<boolean>;
  clear(): void;
} {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  return {
    busy,
    error,
    note,
    clear: () => {
      setError(null);
      setNote(null);
    },
    run: async (label, fn, noteOf) => {
      setBusy(label);
      setError(null);
      setNote(null);
      try {
        const result = await fn();
        setNote(noteOf?.(result) ?? null);
        return true;
      } catch (e) {
        // A connect the user called off (Disconnect or Cancel while it connected) is no error.
        if (isConnectCancelled(e)) setNote(CANCELLED_NOTE);
        else setError(messageOf(e));
        return false;
      } finally {
        setBusy(null);
      }
    },
  };
}

/**
 * A button whose action is running: said to be unavailable (aria-disabled, dimmed) but kept
 * focusable. A disabled button drops the keyboard focus to the page (Chromium blurs it): pressing
 * Connect or Disconnect by Enter left the user at the top of the page, and the next Enter did
 * nothing. Its handler ignores presses meanwhile.
 */
export function pressable(busy: boolean): { 'aria-disabled'?: 'true' } {
  return busy ? { 'aria-disabled': 'true' } : {};
}
