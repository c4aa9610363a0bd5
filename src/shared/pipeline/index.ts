// Public API of the live/replay pipeline (see docs/pipeline.md). Other areas import from here.
export { Pipeline, FEATURE_LEAD_SEC } from './pipeline';
export { DEFAULT_PIPELINE_CONFIG, DEFAULT_MAINS_HZ, resolvePipelineConfig, recordedPipelineConfig, recordedConfigs, MAX_BRIDGE_SEC, PipelineConfigError, type PipelineConfigPatch, type DeepPartial } from './pipeline-config';
export type { PipelineConfig, PipelineEvents, PipelineProblem, FilterConfig, WindowConfig, QualityConfig, FeatureConfig, MontageSpec, StreamClockState } from './pipeline.types';
export { ClockModel, CLOCK_MODEL_DEFAULTS, type ClockEstimate, type ClockModelOptions } from './clock-model';
export { TEN_TWENTY_19, resolveMontage, type MontageSlot } from './montage';
export { designConditioningFilter } from './stream-conditioner';
export { PipelineSnapshotError, PIPELINE_SNAPSHOT_VERSION, configHash, decodePipelineSnapshotHeader } from './pipeline-snapshot';
export type { PipelineSnapshot, PipelineSnapshotErrorCode, RestoreOptions } from './pipeline.types';
export { signalSettingsOf, signalSettingsPatch, checkSignalSettings, settingsLockedBy, MAX_WINDOW_SEC, type SignalSettings } from './signal-settings';
