// The one error class of the device boundary (house rule: one class per boundary, with a code).
// Parsers throw it for bytes that do not parse; transports for ports, radios and libraries that are
// missing; drivers for devices that answer with an error. It crosses processes as a WireError whose
// `kind` is the code.
import { CodedError } from '../coded-error';
import type { DeviceProblemCode } from '../device.types';

export type DeviceErrorCode =
  | 'bad-frame' // bytes that do not parse as the protocol says
  | 'device-error' // the device (or its library) answered with an error status
  | 'not-supported' // the device lacks what we asked for (e.g. no ECG in the PMD feature map)
  | 'unavailable' // library, port or radio missing, or permission denied
  | 'invalid-config' // settings that cannot work (no path, zero channels, unknown board)
  | 'timeout' // no answer within the protocol's time
  | 'disconnected'; // the link went away

const PROBLEM_OF: Record<DeviceErrorCode, DeviceProblemCode> = {
  'bad-frame': 'bad-frame',
  'device-error': 'device-error',
  'not-supported': 'device-error',
  'unavailable': 'unavailable',
  'invalid-config': 'device-error',
  'timeout': 'disconnected',
  'disconnected': 'disconnected',
};

export class DeviceError extends CodedError<DeviceErrorCode> {
  override readonly name: string = 'DeviceError';
  /** The port is known to be another device's: retried at the waiting cadence (ConnError.othersPort). */
  othersPort = false;
  /**
   * @param code what kind of failure
   * @param message says the device and the problem, e.g. "Polar H10 AB12: ECG start refused: in charger (13)"
   * @param retryable whether reconnecting could help (a dropped link yes, a wrong library path no)
   */
  constructor(
    code: DeviceErrorCode,
    message: string,
    readonly retryable = code === 'disconnected' || code === 'timeout' || code === 'unavailable',
  ) {
    super(code, message);
  }

  /** The device-panel problem this error shows as. */
  get problemCode(): DeviceProblemCode {
    return PROBLEM_OF[this.code];
  }
}

/** Any thrown value as a DeviceError (unknown errors keep their message and become device errors). */
export function asDeviceError(e: unknown, fallback: DeviceErrorCode = 'device-error', prefix = ''): DeviceError {
  if (e instanceof DeviceError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new DeviceError(fallback, prefix ? `${prefix}: ${msg}` : msg);
}

/**
 * How a connect ends that the user called off (Disconnect or Cancel while it was connecting): the
 * panels show no error for it — the user asked for it.
 */
export const CONNECT_CANCELLED = 'disconnected before it connected';

/** Whether an error (as it reached a panel) says its connect was called off by the user. */
export function isConnectCancelled(e: unknown): boolean {
  const message = e instanceof Error ? e.message : String(e);
  return message.endsWith(`: ${CONNECT_CANCELLED}`);
}
