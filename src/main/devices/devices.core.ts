// The devices area of the core: one DeviceManager per core, its requests registered through the
// core's validating registry, its changes pushed to every page. Remembered devices reconnect here
// at start; all devices stop with the core.
import { checkDeviceConfig } from '../../shared/devices/device-config';
import type { CoreContext, CoreModule } from '../core/core.types';
import { check } from '../core/handler-registry';
import { DeviceManager } from './device-manager';

const MAX_SCAN_MS = 30_000;

const validDeviceId = check.allOf(check.object, check.string('deviceId', { maxLength: 1000 }));

export function startDevicesArea(ctx: CoreContext, manager?: DeviceManager): DeviceManager {
  const m =
    manager ??
    new DeviceManager({
      hub: ctx.hub,
      clock: ctx.clock,
      dataDir: ctx.dataDir,
      log: (e) => ctx.log(e.level, e.source, e.message),
      onChange: (devices) => ctx.push({ type: 'devices:paired', devices }),
    });
  ctx.handle('hm:devices:list', () => m.list());
  ctx.handle(
    'hm:devices:scan',
    (req) => {
      const ms = Math.min(MAX_SCAN_MS, Math.max(500, (req && typeof req === 'object' && req.durationMs) || 5000));
      return m.scan(ms, (device) => ctx.push({ type: 'devices:found', device }));
    },
    {
      validate: (req) => {
        if (req === undefined || req === null) return null;
        const d = (req as { durationMs?: unknown }).durationMs;
        return typeof req === 'object' && (d === undefined || (typeof d === 'number' && Number.isFinite(d))) ? null : 'durationMs must be a number';
      },
    },
  );
  ctx.handle('hm:devices:ports', () => m.ports());
  ctx.handle('hm:devices:connect', ({ config, remember }) => m.connect(config, remember !== false), {
    validate: (req) => check.object(req) ?? checkDeviceConfig((req as { config?: unknown }).config),
  });
  ctx.handle('hm:devices:disconnect', ({ deviceId }) => m.disconnect(deviceId), { validate: validDeviceId });
  ctx.handle('hm:devices:cancel-connect', ({ config }) => m.cancelConnect(config), {
    validate: (req) => check.object(req) ?? checkDeviceConfig((req as { config?: unknown }).config),
  });
  ctx.handle('hm:devices:rename', ({ deviceId, name }) => m.rename(deviceId, name), { validate: check.allOf(validDeviceId, check.string('name', { maxLength: 200 })) });
  ctx.handle('hm:devices:auto-connect', ({ deviceId, autoConnect }) => m.setAutoConnect(deviceId, autoConnect), {
    validate: check.allOf(validDeviceId, (req) => (typeof (req as { autoConnect?: unknown }).autoConnect === 'boolean' ? null : 'autoConnect must be true or false')),
  });
  ctx.handle('hm:devices:forget', ({ deviceId }) => m.forget(deviceId), { validate: validDeviceId });
  ctx.handle('hm:devices:brainflow', (req) => m.brainflowLibrary(req && typeof req === 'object' ? req.path : undefined), {
    validate: (req) => {
      if (req === undefined || req === null) return null;
      const p = (req as { path?: unknown }).path;
      return p === undefined || p === null || (typeof p === 'string' && p.length < 4096) ? null : 'path must be text or null';
    },
  });
  ctx.onStop(() => m.stopAll());
  m.init();
  return m;
}

export const devicesModule: CoreModule = {
  start: (ctx) => void startDevicesArea(ctx),
};
