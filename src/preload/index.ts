// The typed contextBridge API; nothing else lives here.
import { contextBridge } from 'electron';

const api = {};
contextBridge.exposeInMainWorld('heartmind', api);
export type HeartMindApi = typeof api;
