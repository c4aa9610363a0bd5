// Where a user's HeartMind data lives when Electron does not say (serve mode, the CLI): the
// platform's usual per-user application-data folder, overridable with HEARTMIND_DATA_DIR or a
// command's --data-dir. The desktop app sets Electron's userData folder to this one (app-main.ts).
import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_DIR_NAME = 'HeartMind';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.HEARTMIND_DATA_DIR) return env.HEARTMIND_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_DIR_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_DIR_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_DIR_NAME);
}
