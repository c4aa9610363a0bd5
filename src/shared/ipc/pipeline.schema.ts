// Channels and pushes of the live pipeline: streams, conditioned samples, windows, features.
// Filled in by the live-pipeline work (issue 3).
export interface PipelineRequests {}
export type PipelinePush = never;
