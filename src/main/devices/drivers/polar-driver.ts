// Polar H10 (ECG at 130 Hz over PMD, heart rate and RR over the Heart Rate Service) and any strap
// that offers only the standard Heart Rate Service. Sequence as in polar-ble-sdk: notifications on
// the control point and data first, read the feature map, request ECG start and check the reply's
// status; stop ECG on close (the H10 stays on otherwise, Polar's KnownIssues.md).
import { DeviceError } from '../../../shared/devices/device-error';
import { configuredModel } from '../../../shared/devices/device-models';
import { encodePmdStartEcg, encodePmdStop } from '../../../shared/devices/polar/polar-commands';
import {
  describePmdStatus,
  parseHeartRateMeasurement,
  parsePmdControlPointNotification,
  parsePmdEcgFrame,
  parsePmdFeatures,
  pmdTimeUnixS,
} from '../../../shared/devices/polar/polar-parse';
import {
  BATTERY_LEVEL_UUID,
  BATTERY_SERVICE_UUID,
  HEART_RATE_MEASUREMENT_UUID,
  HEART_RATE_SERVICE_UUID,
  PMD_CONTROL_POINT_UUID,
  PMD_DATA_UUID,
  PMD_SERVICE_UUID,
  POLAR_H10_ECG_RANGE_UV,
  POLAR_H10_ECG_RATE_HZ,
  PmdMeasurementType,
  PmdOpCode,
  PmdResponseStatus,
  type PmdControlPointResponse,
} from '../../../shared/devices/polar/polar.types';
import type { StreamInfo } from '../../../shared/stream.types';
import { BLE_RECONNECT, connectBle, decodeOrReport } from '../ble/ble-connection';
import type { BleCentral } from '../ble/ble.types';
import type { DeviceDriver, DriverContext, DriverSession } from '../device-driver.types';

export interface PolarConfig {
  /** The BLE id from a scan. */
  id: string;
  name?: string;
  /** Ask for raw ECG (H10). False: heart rate and RR only (any standard strap). Default true. */
  ecg?: boolean;
  central: () => Promise<BleCentral>;
  connectTimeoutMs?: number;
  /** How long the strap may take to answer a control-point command, ms. */
  commandTimeoutMs?: number;
}

/** HR notifications come about once a second. */
const HR_RATE_HZ = 1;

export class PolarDriver implements DeviceDriver {
  readonly deviceId: string;
  readonly name: string;
  /** As scanned until connected; then what the strap offers (an H10's ECG service, or heart rate only). */
  model: string;
  readonly transport = 'ble' as const;
  readonly reconnect = BLE_RECONNECT;
  readonly clockKind = 'absolute' as const;
  readonly streamIds: string[];
  readonly settings: Record<string, string | number | boolean>;

  constructor(readonly cfg: PolarConfig) {
    const ecg = cfg.ecg !== false;
    this.model = configuredModel({ kind: ecg ? 'polar-h10' : 'hr-strap', id: cfg.id });
    this.deviceId = `${this.model}:${cfg.id}`;
    this.name = cfg.name ?? (ecg ? `Polar H10 ${cfg.id}` : `Heart-rate strap ${cfg.id}`);
    this.streamIds = [...(ecg ? [`${this.deviceId}/ecg`] : []), `${this.deviceId}/hr`];
    this.settings = { id: cfg.id, ecg };
  }

  async open(ctx: DriverContext): Promise<DriverSession> {
    const central = await this.cfg.central();
    const conn = await connectBle(central, this.cfg.id, this.name, ctx, this.cfg.connectTimeoutMs);
    // Every set-up step through `step`: a Disconnect in any of them hangs up and sends nothing more.
    const { link, fail, step } = conn;
    const hasHr = link.has(HEART_RATE_SERVICE_UUID, HEART_RATE_MEASUREMENT_UUID);
    const hasPmd = this.cfg.ecg !== false && link.has(PMD_SERVICE_UUID, PMD_CONTROL_POINT_UUID) && link.has(PMD_SERVICE_UUID, PMD_DATA_UUID);
    if (!hasHr && !hasPmd) return fail(new DeviceError('not-supported', `${this.name} offers neither the Heart Rate Service nor Polar's ECG (PMD)`, false));
    if (this.cfg.ecg !== false && !hasPmd) ctx.problem('device-error', `${this.name} has no Polar Measurement Data service: heart rate and RR only`);
    // Connected as an H10 (a name or service in its advertisement said so) but without the ECG
    // service, it is a heart-rate strap, and its row and recordings say so.
    if (this.cfg.ecg !== false) this.model = hasPmd ? 'polar-h10' : 'hr-strap';

    const ecgId = `${this.deviceId}/ecg`;
    const hrId = `${this.deviceId}/hr`;
    const infos: StreamInfo[] = [];
    if (hasPmd)
      infos.push({
        id: ecgId,
        deviceId: this.deviceId,
        deviceName: this.name,
        deviceModel: this.model,
        modality: 'ecg',
        nominalRateHz: POLAR_H10_ECG_RATE_HZ,
        channels: [{ label: 'ECG', unit: 'uV', resolution: 1, rangeUv: POLAR_H10_ECG_RANGE_UV }],
      });
    if (hasHr)
      infos.push({
        id: hrId,
        deviceId: this.deviceId,
        deviceName: this.name,
        deviceModel: this.model,
        modality: 'other',
        nominalRateHz: HR_RATE_HZ,
        channels: [
          { label: 'HR', unit: 'bpm', resolution: 1 },
          { label: 'RR', unit: 'ms', resolution: 1000 / 1024 },
        ],
      });
    ctx.streams(infos);

    try {
      if (link.has(BATTERY_SERVICE_UUID, BATTERY_LEVEL_UUID)) ctx.battery((await step(link.read(BATTERY_SERVICE_UUID, BATTERY_LEVEL_UUID)))[0]);
      ctx.rssi(await step(link.readRssi().catch(() => NaN)));
    } catch (e) {
      /* battery and RSSI are nice to have; a cancelled connect is not */
      if (ctx.signal.aborted) throw e;
    }

    if (hasHr) {
      let beat = 0;
      let lastRr = NaN;
      await step(link.subscribe(HEART_RATE_SERVICE_UUID, HEART_RATE_MEASUREMENT_UUID, (bytes) => {
        const m = decodeOrReport(ctx, () => parseHeartRateMeasurement(bytes));
        if (!m) return;
        if (m.rrRaw.length) lastRr = (m.rrRaw.reduce((a, b) => a + b, 0) * 1000) / 1024 / m.rrRaw.length;
        // One sample per notification: HR, and the mean RR it reported (held when it reported none).
        if (!Number.isFinite(lastRr) && m.heartRateBpm > 0) lastRr = 60_000 / m.heartRateBpm;
        if (!Number.isFinite(lastRr)) return;
        ctx.samples(hrId, beat++ / HR_RATE_HZ, 1, Float32Array.of(m.heartRateBpm, lastRr));
        if (m.sensorContactSupported && !m.sensorContact) ctx.problem('device-error', `${this.name}: no skin contact (wet the electrodes, tighten the strap)`);
      }));
    }

    if (hasPmd) {
      let previousNs = 0n;
      const waiters: { op: number; resolve: (r: PmdControlPointResponse) => void }[] = [];
      await step(link.subscribe(PMD_SERVICE_UUID, PMD_CONTROL_POINT_UUID, (bytes) => {
        try {
          const n = parsePmdControlPointNotification(bytes);
          if (n.kind === 'response') {
            const i = waiters.findIndex((w) => w.op === n.opCode);
            if (i >= 0) waiters.splice(i, 1)[0].resolve(n);
          } else if (n.measurementTypes.includes(PmdMeasurementType.ECG)) {
            ctx.dropped(new DeviceError('disconnected', `${this.name} stopped ECG streaming on its own (strap taken off?)`));
          }
        } catch (e) {
          ctx.problem('bad-frame', (e as Error).message);
        }
      }));
      await step(link.subscribe(PMD_SERVICE_UUID, PMD_DATA_UUID, (bytes) => {
        if ((bytes[0] & 0x3f) !== PmdMeasurementType.ECG) return;
        const f = decodeOrReport(ctx, () => parsePmdEcgFrame(bytes, { sampleRateHz: POLAR_H10_ECG_RATE_HZ, previousTimestampNs: previousNs }));
        if (!f) return;
        if (f.timestampBackwards) {
          ctx.problem('time-backwards', `ECG frame timestamp did not advance; frame dropped`);
          return;
        }
        previousNs = f.timestampNs;
        if (f.missingBefore > 0) ctx.lost(ecgId, f.missingBefore, 'packet-loss');
        ctx.samples(ecgId, pmdTimeUnixS(f.firstSampleNs), f.sampleCount, f.samplesUv);
      }));
      const command = async (bytes: Uint8Array, what: string): Promise<PmdControlPointResponse> => {
        const reply = new Promise<PmdControlPointResponse>((resolve) => waiters.push({ op: bytes[0], resolve }));
        await step(link.write(PMD_SERVICE_UUID, PMD_CONTROL_POINT_UUID, bytes, true));
        const ms = this.cfg.commandTimeoutMs ?? 5000;
        let timer: ReturnType<typeof setTimeout> | undefined;
        const late = new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new DeviceError('timeout', `${this.name}: no answer to ${what} within ${ms / 1000} s`)), ms)));
        try {
          return await step(Promise.race([reply, late]));
        } finally {
          clearTimeout(timer);
        }
      };
      try {
        const features = parsePmdFeatures(await step(link.read(PMD_SERVICE_UUID, PMD_CONTROL_POINT_UUID)));
        if (!features.ecg) {
          if (!hasHr) return fail(new DeviceError('not-supported', `${this.name} does not offer ECG`, false));
          ctx.problem('device-error', `${this.name} does not offer ECG: heart rate and RR only`);
        } else {
          const r = await command(encodePmdStartEcg(), 'the ECG start request');
          if (r.opCode !== PmdOpCode.REQUEST_MEASUREMENT_START) throw new DeviceError('bad-frame', `${this.name}: unexpected reply to ECG start`);
          if (r.status !== PmdResponseStatus.SUCCESS && r.status !== PmdResponseStatus.ERROR_ALREADY_IN_STATE) {
            // In the charger the strap cannot measure; it may be taken out, so keep trying.
            const retry = r.status === PmdResponseStatus.ERROR_DEVICE_IN_CHARGER || r.status === PmdResponseStatus.ERROR_INVALID_STATE;
            return fail(new DeviceError('device-error', `${this.name}: ECG start refused: ${describePmdStatus(r.status)}`, retry));
          }
        }
      } catch (e) {
        // Cancelled: `step` hung up already.
        if (ctx.signal.aborted) throw e;
        return fail(e);
      }
    }
    return {
      close: () => conn.close(hasPmd ? { send: () => link.write(PMD_SERVICE_UUID, PMD_CONTROL_POINT_UUID, encodePmdStop(), true), waitMs: 1000 } : undefined),
    };
  }
}
