// Electron main: creates the window and hosts the core. Filled in by the live-pipeline work.
import { app, BrowserWindow } from 'electron';

app.whenReady().then(() => {
  const win = new BrowserWindow({ width: 1400, height: 900 });
  void win.loadURL('about:blank');
});
