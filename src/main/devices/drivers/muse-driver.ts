// Muse 2016 / Muse 2 / Muse S over BLE: subscribe to control, the EEG electrodes, telemetry and
// (Muse 2/S with a p5x preset) PPG; send halt, device info, preset, status, resume; keep the
// stream alive with `k` every minute; align electrodes by sequence number.
import { plural } from '../../../shared/plural';
import { DeviceError } from '../../../shared/devices/device-error';
import { configuredModel } from '../../../shared/devices/device-models';
import { SequenceAligner } from '../../../shared/devices/muse/muse-align';
import { MUSE_CMD, encodeMuseCommand, musePreset, museStartSequence } from '../../../shared/devices/muse/muse-commands';
import { MuseControlAssembler, parseMuseControlNotification, parseMuseEegPacket, parseMusePpgPacket, parseMuseTelemetry } from '../../../shared/devices/muse/muse-parse';
import {
  MUSE_CONTROL_UUID,
  MUSE_EEG_LABELS,
  MUSE_EEG_RATE_HZ,
  MUSE_EEG_SAMPLES_PER_PACKET,
  MUSE_EEG_UUIDS,
  MUSE_EEG_UV_PER_LSB,
  MUSE_EEG_OFFSET,
  MUSE_KEEPALIVE_INTERVAL_MS,
  MUSE_PPG_LABELS,
  MUSE_PPG_RATE_HZ,
  MUSE_PPG_SAMPLES_PER_PACKET,
  MUSE_PPG_UUIDS,
  MUSE_SERVICE_UUID,
  MUSE_TELEMETRY_UUID,
} from '../../../shared/devices/muse/muse.types';
import type { StreamInfo } from '../../../shared/stream.types';
import { BLE_RECONNECT, connectBle, decodeOrReport } from '../ble/ble-connection';
import type { BleCentral } from '../ble/ble.types';
import type { DeviceDriver, DriverContext, DriverSession } from '../device-driver.types';

export interface MuseConfig {
  id: string;
  name?: string;
  /** Stream the AUX electrode too (preset p20/p50). */
  aux?: boolean;
  /** Stream PPG where the headset has it (Muse 2, Muse S). Default true. */
  ppg?: boolean;
  central: () => Promise<BleCentral>;
  connectTimeoutMs?: number;
  keepAliveMs?: number;
}

export function museModelFromName(name: string, hasPpg: boolean): 'muse-s' | 'muse-2' | 'muse-2016' {
  if (/^MuseS/i.test(name)) return 'muse-s';
  return hasPpg ? 'muse-2' : 'muse-2016';
}

export class MuseDriver implements DeviceDriver {
  readonly deviceId: string;
  readonly name: string;
  /** The family until connected: which Muse it is shows in its name and services (museModelFromName). */
  model: string;
  readonly transport = 'ble' as const;
  readonly reconnect = BLE_RECONNECT;
  readonly clockKind = 'counter' as const;
  readonly streamIds: string[];
  readonly settings: Record<string, string | number | boolean>;

  constructor(readonly cfg: MuseConfig) {
    this.deviceId = `muse:${cfg.id}`;
    this.model = configuredModel({ kind: 'muse', id: cfg.id });
    this.name = cfg.name ?? `Muse ${cfg.id}`;
    this.streamIds = [`${this.deviceId}/eeg`];
    this.settings = { id: cfg.id, aux: !!cfg.aux, ppg: cfg.ppg !== false };
  }

  async open(ctx: DriverContext): Promise<DriverSession> {
    const central = await this.cfg.central();
    const conn = await connectBle(central, this.cfg.id, this.name, ctx, this.cfg.connectTimeoutMs);
    // Every set-up step through `step`: a Disconnect in any of them hangs up and sends nothing more.
    const { link, fail, step } = conn;
    const S = MUSE_SERVICE_UUID;
    if (!link.has(S, MUSE_CONTROL_UUID) || !MUSE_EEG_UUIDS.slice(0, 4).every((u) => link.has(S, u)))
      return fail(new DeviceError('not-supported', `${link.name} is not a Muse headset (no Muse control and EEG characteristics)`, false));
    const aux = !!this.cfg.aux && link.has(S, MUSE_EEG_UUIDS[4]);
    const ppg = this.cfg.ppg !== false && MUSE_PPG_UUIDS.every((u) => link.has(S, u));
    this.model = museModelFromName(link.name, MUSE_PPG_UUIDS.every((u) => link.has(S, u)));
    const nEeg = aux ? 5 : 4;
    const eegId = `${this.deviceId}/eeg`;
    const ppgId = `${this.deviceId}/ppg`;
    const rangeUv = MUSE_EEG_UV_PER_LSB * MUSE_EEG_OFFSET;
    const infos: StreamInfo[] = [
      {
        id: eegId,
        deviceId: this.deviceId,
        deviceName: this.name,
        deviceModel: this.model,
        modality: 'eeg',
        nominalRateHz: MUSE_EEG_RATE_HZ,
        channels: MUSE_EEG_LABELS.slice(0, nEeg).map((label) => ({ label, unit: 'uV', resolution: MUSE_EEG_UV_PER_LSB, rangeUv })),
      },
    ];
    if (ppg)
      infos.push({
        id: ppgId,
        deviceId: this.deviceId,
        deviceName: this.name,
        deviceModel: this.model,
        modality: 'other',
        nominalRateHz: MUSE_PPG_RATE_HZ,
        channels: MUSE_PPG_LABELS.map((label) => ({ label, unit: 'counts', resolution: 1 })),
      });
    ctx.streams(infos);
    ctx.describe({ settings: { ...this.settings, model: this.model } });

    const control = new MuseControlAssembler();
    const eeg = new SequenceAligner(nEeg, MUSE_EEG_SAMPLES_PER_PACKET);
    const ppgAlign = new SequenceAligner(3, MUSE_PPG_SAMPLES_PER_PACKET);
    const lastIncomplete = { eeg: 0, ppg: 0 };
    try {
      await step(link.subscribe(S, MUSE_CONTROL_UUID, (bytes) => {
        const text = decodeOrReport(ctx, () => parseMuseControlNotification(bytes));
        if (text === undefined) return;
        const { replies, errors } = control.push(text);
        for (const e of errors) ctx.problem('bad-frame', e.message);
        for (const r of replies) {
          if (typeof r.rc === 'number' && r.rc !== 0) ctx.problem('device-error', `${this.name}: the headset refused a command (rc=${r.rc})`);
          // The headset's own name names a device nobody named; a name from the scan, the profile or
          // the user stays (a renamed "Lab Muse" turned back into "Muse-1324" at every connect).
          if (typeof r.hn === 'string' && !this.cfg.name) ctx.describe({ name: r.hn });
          if (typeof r.fw === 'string' || typeof r.hw === 'string') ctx.describe({ settings: { ...(typeof r.fw === 'string' ? { firmware: r.fw } : {}), ...(typeof r.hw === 'string' ? { hardware: r.hw } : {}) } });
          if (typeof r.bp === 'number') ctx.battery(r.bp);
        }
      }));
      for (let ch = 0; ch < nEeg; ch++) {
        await step(link.subscribe(S, MUSE_EEG_UUIDS[ch], (bytes) => {
          const p = decodeOrReport(ctx, () => parseMuseEegPacket(bytes));
          if (!p) return;
          for (const b of eeg.push(ch, p.sequence, p.samplesUv)) {
            if (b.missingBefore > 0) ctx.lost(eegId, b.missingBefore * MUSE_EEG_SAMPLES_PER_PACKET, 'packet-loss');
            ctx.samples(eegId, (b.sequence * MUSE_EEG_SAMPLES_PER_PACKET) / MUSE_EEG_RATE_HZ, MUSE_EEG_SAMPLES_PER_PACKET, b.data);
          }
          if (eeg.stats.incomplete > lastIncomplete.eeg) {
            ctx.problem('packet-loss', `${plural(eeg.stats.incomplete - lastIncomplete.eeg, 'EEG packet')} arrived on some electrodes only; dropped`);
            lastIncomplete.eeg = eeg.stats.incomplete;
          }
        }));
      }
      if (link.has(S, MUSE_TELEMETRY_UUID))
        await step(link.subscribe(S, MUSE_TELEMETRY_UUID, (bytes) => decodeOrReport(ctx, () => ctx.battery(parseMuseTelemetry(bytes).batteryLevel))));
      if (ppg)
        for (let ch = 0; ch < 3; ch++)
          await step(link.subscribe(S, MUSE_PPG_UUIDS[ch], (bytes) => {
            const p = decodeOrReport(ctx, () => parseMusePpgPacket(bytes));
            if (!p) return;
            for (const b of ppgAlign.push(ch, p.sequence, p.samples)) {
              if (b.missingBefore > 0) ctx.lost(ppgId, b.missingBefore * MUSE_PPG_SAMPLES_PER_PACKET, 'packet-loss');
              ctx.samples(ppgId, (b.sequence * MUSE_PPG_SAMPLES_PER_PACKET) / MUSE_PPG_RATE_HZ, MUSE_PPG_SAMPLES_PER_PACKET, b.data);
            }
          }));
      for (const cmd of museStartSequence(musePreset({ aux, ppg }))) await step(link.write(S, MUSE_CONTROL_UUID, encodeMuseCommand(cmd), false));
      ctx.rssi(await step(link.readRssi().catch(() => NaN)));
    } catch (e) {
      // Cancelled: `step` hung up already.
      if (ctx.signal.aborted) throw e;
      return fail(e);
    }
    const keepAlive = setInterval(() => {
      void link.write(S, MUSE_CONTROL_UUID, encodeMuseCommand(MUSE_CMD.keepAlive), false).catch((e) => ctx.log('warn', `keep-alive failed: ${(e as Error).message}`));
    }, this.cfg.keepAliveMs ?? MUSE_KEEPALIVE_INTERVAL_MS);
    return {
      close: async () => {
        clearInterval(keepAlive);
        await conn.close({ send: () => link.write(S, MUSE_CONTROL_UUID, encodeMuseCommand(MUSE_CMD.halt), false), waitMs: 500 });
      },
    };
  }
}
