// Channels and pushes of offline training jobs (issue 6).
export interface TrainingRequests {}
export type TrainingPush = never;
