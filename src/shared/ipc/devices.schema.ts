// Channels and pushes of real devices: scan, connect, rename, forget (issue 7).
export interface DeviceRequests {}
export type DevicePush = never;
