// Paired devices in the user profile (<dataDir>/devices.json): written atomically (temp file +
// rename) so a crash never leaves half a file; a damaged file is set aside, never fatal.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
        else paired.push({ deviceId: p.deviceId, config: p.config, name: String(p.name ?? p.deviceId), autoConnect: p.autoConnect !== false, ...(typeof p.lastConnected === 'number' ? { lastConnected: p.lastConnected } : {}) });
      }
      this.data = { version: 1, paired, ...(typeof raw.brainflowLibraryPath === 'string' ? { brainflowLibraryPath: raw.brainflowLibraryPath } : {}) };
    } catch (e) {
      const aside = `${this.file}.damaged-${now}`;
      try {
        renameSync(this.file, aside);
      } catch {
        /* leave it */
      }
      this.warnings.push(`${this.file} could not be read (${(e as Error).message}); set aside as ${aside}, starting with no paired devices`);
      this.data = { version: 1, paired: [] };
    }
  }

  save(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(this.data, null, 2) + '\n');
    renameSync(tmp, this.file);
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
