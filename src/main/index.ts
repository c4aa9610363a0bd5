// Electron main entry. All of it lives in src/main/electron/app-main.ts; the core it hosts is
// src/main/core, shared with serve mode.
import { runElectronApp } from './electron/app-main';

runElectronApp();
