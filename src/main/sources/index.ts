// Simulated devices and the host clock/timers that drive them (see docs/pipeline.md).
export { createSystemClock, VirtualClock, RealScheduler, VirtualScheduler, type Scheduler } from './host-clock';
export { SimDevice, SIM_FAULTS, SIM_CLOCK_SETTINGS, SimSettingsError, type SimDeviceOptions, type SimSettingDef, type SettingValue } from './sim-device';
export { SimEegHeadset, EEG_PRESETS, type EegPreset } from './sim-eeg';
export { SimEcgStrap, ECG_PRESETS, type EcgPreset } from './sim-ecg';
export { createDemoSources, DEMO_HEADSET_ID, DEMO_STRAP_ID, type DemoOptions } from './demo';
