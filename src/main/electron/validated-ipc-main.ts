// The only way Electron main listens to the renderer (VS Code's validatedIpcMain pattern): a
// channel must carry the 'hm:' prefix, and every message must come from the top frame of one of
// our own windows showing our own page. Anything else is refused and logged, never handled.
import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { CHANNEL_PREFIX } from '../../shared/ipc-schema';
import { toWireError, type Envelope } from '../../shared/ipc/wire-error';
import { RequestError } from '../core/handler-registry';

export interface SenderPolicy {
  /** Our windows' webContents ids. */
  isOurWindow(contents: WebContents): boolean;
  /** Our page's URL (app://heartmind/… or the dev server). */
  isAppUrl(url: string): boolean;
  onRefused(channel: string, why: string): void;
}

export class ValidatedIpcMain {
  constructor(private readonly policy: SenderPolicy) {}

  private check(channel: string, event: IpcMainEvent | IpcMainInvokeEvent): string | null {
    if (!channel.startsWith(CHANNEL_PREFIX)) return `channel ${channel} lacks the '${CHANNEL_PREFIX}' prefix`;
    const frame = event.senderFrame;
    if (!frame) return 'the sending frame is gone';
    if (frame.parent !== null) return 'sent from a sub-frame';
    if (!this.policy.isOurWindow(event.sender)) return 'sent from a window that is not ours';
    if (!this.policy.isAppUrl(frame.url)) return `sent from ${frame.url}, not our page`;
    return null;
  }

  /** ipcMain.handle through the checks; the handler's answer must already be an Envelope. */
  handle(channel: string, handler: (event: IpcMainInvokeEvent, req: unknown) => Promise<Envelope<unknown>>): void {
    if (!channel.startsWith(CHANNEL_PREFIX)) throw new RequestError('bad-channel', `refusing to register ${channel}: no '${CHANNEL_PREFIX}' prefix`);
    ipcMain.handle(channel, async (event, req: unknown) => {
      const why = this.check(channel, event);
      if (why) {
        this.policy.onRefused(channel, why);
        return { ok: false, error: toWireError(new RequestError('forbidden-sender', why)) } satisfies Envelope<unknown>;
      }
      return handler(event, req);
    });
  }

  /** ipcMain.on through the checks (fire-and-forget messages). */
  on(channel: string, listener: (event: IpcMainEvent) => void): void {
    if (!channel.startsWith(CHANNEL_PREFIX)) throw new RequestError('bad-channel', `refusing to register ${channel}: no '${CHANNEL_PREFIX}' prefix`);
    ipcMain.on(channel, (event) => {
      const why = this.check(channel, event);
      if (why) return this.policy.onRefused(channel, why);
      listener(event);
    });
  }

  removeHandler(channel: string): void {
    ipcMain.removeHandler(channel);
  }
}
