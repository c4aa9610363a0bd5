// Channels and pushes of recording, replay and the session library (issue 4).
export interface SessionRequests {}
export type SessionPush = never;
