// Native file and folder dialogs for the page's "Browse…" buttons (src/shared/ipc/pick-path.ts),
// shown over the window that asked, through the same sender checks as every other request.
import { BrowserWindow, dialog } from 'electron';
import { ELECTRON_PICK_PATH, parsePickPathRequest } from '../../shared/ipc/pick-path';
import { toWireError, type Envelope } from '../../shared/ipc/wire-error';
import type { ValidatedIpcMain } from './validated-ipc-main';

export function attachFileDialog(ipc: ValidatedIpcMain): () => void {
  ipc.handle(ELECTRON_PICK_PATH, async (event, raw): Promise<Envelope<string | null>> => {
    try {
      const req = parsePickPathRequest(raw);
      const win = BrowserWindow.fromWebContents(event.sender);
      const common = { title: req.title, defaultPath: req.defaultPath, filters: req.filters };
      if (req.mode === 'save-file') {
        const r = win ? await dialog.showSaveDialog(win, common) : await dialog.showSaveDialog(common);
        return { ok: true, value: r.canceled || !r.filePath ? null : r.filePath };
      }
      const properties: ('openFile' | 'openDirectory')[] = [req.mode === 'open-folder' ? 'openDirectory' : 'openFile'];
      const r = win ? await dialog.showOpenDialog(win, { ...common, properties }) : await dialog.showOpenDialog({ ...common, properties });
      return { ok: true, value: r.canceled ? null : (r.filePaths[0] ?? null) };
    } catch (err) {
      return { ok: false, error: toWireError(err, 'bad-request') };
    }
  });
  return () => ipc.removeHandler(ELECTRON_PICK_PATH);
}
