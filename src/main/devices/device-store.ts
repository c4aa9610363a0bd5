// Paired devices in the user profile (<dataDir>/devices.json), written atomically; a damaged file
// is set aside, never fatal (core/json-file.ts).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describeFsProblem } from '../core/data-dir';
import { setAside, writeJsonAtomic } from '../core/json-file';
import { DeviceError } from '../../shared/devices/device-error';
import { checkDeviceConfig } from '../../shared/devices/device-config';
import type { PairedDevice } from '../../shared/devices/devices.types';

export interface DeviceStoreData {
  version: 1;
  paired: Omit<PairedDevice, 'status'>[];
  /** The user's BrainFlow library (file or folder), if set. */
  brainflowLibraryPath?: string;
}

export const DEVICE_STORE_FILE = 'devices.json';

export class DeviceStore {
  readonly file: string;
  data: DeviceStoreData = { version: 1, paired: [] };
  /** What went wrong while loading, for the log. */
  readonly warnings: string[] = [];

  constructor(dataDir: string) {
    this.file = join(dataDir, DEVICE_STORE_FILE);
  }

  load(now = Date.now()): void {
    if (!existsSync(this.file)) return;
    try {
      const raw = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<DeviceStoreData>;
      if (raw.version !== 1 || !Array.isArray(raw.paired)) throw new Error('not a HeartMind devices file (version 1)');
      const paired: DeviceStoreData['paired'] = [];
      for (const p of raw.paired) {
        const problem = p && typeof p.deviceId === 'string' ? checkDeviceConfig(p.config) : 'entry without a deviceId';
        if (problem) this.warnings.push(`skipped a remembered device: ${problem}`);
        else paired.push({ deviceId: p.deviceId, config: p.config, name: String(p.name ?? p.deviceId), autoConnect: p.autoConnect !== false, ...(typeof p.lastConnected === 'number' ? { lastConnected: p.lastConnected } : {}), ...(typeof p.model === 'string' ? { model: p.model } : {}), ...(typeof p.portAlias === 'string' && p.portAlias ? { portAlias: p.portAlias } : {}) });
      }
      this.data = { version: 1, paired, ...(typeof raw.brainflowLibraryPath === 'string' ? { brainflowLibraryPath: raw.brainflowLibraryPath } : {}) };
    } catch (e) {
      const aside = setAside(this.file, now);
      this.warnings.push(`${this.file} could not be read (${(e as Error).message}); set aside as ${aside}, starting with no paired devices`);
      this.data = { version: 1, paired: [] };
    }
  }

  /** Writes the file; throws a DeviceError saying in words why it cannot (the list in memory stays). */
  save(): void {
    try {
      writeJsonAtomic(this.file, this.data);
    } catch (err) {
      throw new DeviceError('unavailable', `the paired devices cannot be saved to ${this.file} (${describeFsProblem(err, dirname(this.file)).text})`, false);
    }
  }

  get(deviceId: string): DeviceStoreData['paired'][number] | undefined {
    return this.data.paired.find((p) => p.deviceId === deviceId);
  }

  upsert(entry: DeviceStoreData['paired'][number]): void {
    const i = this.data.paired.findIndex((p) => p.deviceId === entry.deviceId);
    if (i >= 0) this.data.paired[i] = entry;
    else this.data.paired.push(entry);
    this.save();
  }

  remove(deviceId: string): boolean {
    const n = this.data.paired.length;
    this.data.paired = this.data.paired.filter((p) => p.deviceId !== deviceId);
    if (this.data.paired.length !== n) this.save();
    return this.data.paired.length !== n;
  }
}
