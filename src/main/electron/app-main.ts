// Electron main: one window with locked-down web preferences, the core in this process, the
// typed IPC and push port between them. Everything Electron-specific lives in this folder; the
// core (src/main/core) is the same one serve mode runs.
import { app, BrowserWindow, session, shell, type WebContents } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultDataDir } from '../core/data-dir';
import { startCore } from '../core/start-core';
import type { Core } from '../core/core.types';
import type { LogEntry } from '../../shared/log.types';
import { APP_ORIGIN, registerAppScheme, serveAppScheme } from './app-protocol';
import { attachElectronTransport } from './electron-transport';
import { applyGpuSwitches, watchGpuCrashes } from './gpu-switches';
import { redirectElectronNativeModules } from '../core/native-binding';

const HERE = fileURLToPath(new URL('.', import.meta.url));
/** electron-vite dev sets this to its dev server; a build loads app://heartmind/. */
const DEV_URL = process.env.ELECTRON_RENDERER_URL;
const RENDERER_DIR = join(HERE, '..', 'renderer');
const PRELOAD = join(HERE, '..', 'preload', 'index.cjs');
/** Window icon on Linux and Windows (macOS takes the app bundle's). */
const ICON = join(HERE, '..', '..', 'resources', 'icon.png');
/** Packages loaded by other packages that need their Electron-ABI build (see scripts/electron-native.mjs). */
const NATIVE_REDIRECTS = ['@abandonware/bluetooth-hci-socket'];

function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    if (`${u.protocol}//${u.host}` === APP_ORIGIN) return true;
    return !!DEV_URL && u.origin === new URL(DEV_URL).origin;
  } catch {
    return false;
  }
}

function printLog(e: LogEntry): void {
  if (e.level === 'warn' || e.level === 'error') process.stderr.write(`${e.level}: [${e.source}] ${e.message}\n`);
}

function createWindow(windows: Set<number>, log: (level: 'info' | 'warn' | 'error', msg: string) => void): BrowserWindow {
  const win = new BrowserWindow({
    width: 1480,
    height: 940,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'HeartMind',
    icon: ICON,
    backgroundColor: '#0d1117',
    autoHideMenuBar: true,
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  const contents = win.webContents;
  const id = contents.id;
  windows.add(id);
  win.on('closed', () => windows.delete(id));
  win.once('ready-to-show', () => win.show());

  // The page never navigates away or opens windows; web links go to the user's browser.
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (e, url) => {
    if (!isAppUrl(url)) {
      e.preventDefault();
      log('warn', `blocked navigation to ${url}`);
    }
  });
  contents.on('will-attach-webview', (e) => e.preventDefault());
  // A crashed renderer reloads instead of leaving a blank window; the core keeps running.
  contents.on('render-process-gone', (_e, details) => {
    log('error', `the window's renderer exited (${details.reason}); reloading`);
    if (details.reason !== 'clean-exit' && !win.isDestroyed()) setTimeout(() => !win.isDestroyed() && win.reload(), 500);
  });
  contents.on('preload-error', (_e, path, error) => log('error', `preload ${path} failed: ${error.message}`));

  void (DEV_URL ? win.loadURL(DEV_URL) : win.loadURL(`${APP_ORIGIN}/index.html`));
  return win;
}

function lockDownSession(): void {
  const s = session.defaultSession;
  // The page needs no browser permissions: devices are reached from main, not via Web Serial/BLE.
  s.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  s.setPermissionCheckHandler(() => false);
  s.setDevicePermissionHandler(() => false);
}

export function runElectronApp(): void {
  // The same folder as serve mode and the CLI (and HEARTMIND_DATA_DIR), so recordings, models and
  // runs made there show up here; set before the single-instance lock, which lives in it.
  app.setPath('userData', defaultDataDir());
  if (!app.requestSingleInstanceLock()) {
    // One process owns the devices and the database: a second start focuses the first.
    app.quit();
    return;
  }
  registerAppScheme();
  const gpu = applyGpuSwitches();
  const windows = new Set<number>();
  let core: Core | null = null;
  let detach: (() => void) | null = null;
  const earlyLog: [LogEntry['level'], string][] = [];
  const log = (level: 'info' | 'warn' | 'error', msg: string) => (core ? core.ctx.log(level, 'electron', msg) : earlyLog.push([level, msg]));

  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  watchGpuCrashes(gpu, (level, msg) => log(level, msg));

  app.whenReady().then(async () => {
    lockDownSession();
    serveAppScheme(RENDERER_DIR);
    redirectElectronNativeModules(NATIVE_REDIRECTS, (m) => log('warn', m));
    const started = await startCore({ runtime: 'electron', dataDir: app.getPath('userData'), demo: true, onLog: printLog });
    core = started;
    for (const [level, msg] of earlyLog.splice(0)) started.ctx.log(level, 'electron', msg);
    log('info', `Electron ${process.versions.electron}, WebGPU switches ${gpu.webgpuSwitches ? 'on' : 'off'} (${gpu.reason})`);
    const policy = {
      isOurWindow: (c: WebContents) => windows.has(c.id),
      isAppUrl,
      onRefused: (channel: string, why: string) => log('warn', `refused ${channel}: ${why}`),
    };
    detach = attachElectronTransport(started, policy);
    createWindow(windows, log);
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow(windows, log);
    });
  }).catch((err: unknown) => {
    process.stderr.write(`HeartMind could not start: ${(err as Error)?.stack ?? String(err)}\n`);
    app.exit(1);
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Stop devices and flush what is being recorded before the process goes.
  let stopped = false;
  app.on('will-quit', (e) => {
    if (stopped || !core) return;
    e.preventDefault();
    detach?.();
    core.stop().finally(() => {
      stopped = true;
      app.quit();
    });
  });
}
