// Channels and pushes of the model registry and live predictions (issue 5).
export interface ModelRequests {}
export type ModelPush = never;
