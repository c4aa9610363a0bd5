// The Sessions view: record (with markers and SAM self-reports), the session library, and replay
// controls with the session timeline.
import { useEffect } from 'preact/hooks';
import type { ViewProps } from '../../shell/views';
import { inferenceService } from '../../inference/inference-service';
import { ErrorBoundary } from '../../shell/error-boundary';
import { Library } from './library';
import { RecordBar, useRecordingStatus } from './record-bar';
import { ReplayPanel, useReplayStatus } from './replay-panel';
import './sessions.css';

export default function SessionsView({ client }: ViewProps) {
  const replay = useReplayStatus(client);
  const replayOpen = replay !== null && replay.state !== 'closed';
  const recording = useRecordingStatus(client);
  const recordingSessionId = recording?.state === 'recording' ? recording.sessionId : null;
  // The page's model (the active one, Models view) answers the windows a recording or a replay feeds
  // the pipeline, and the core stores its answers with that session. It started with the first visit
  // to Live or Models: a page opened on #/sessions (a reload, serve mode's bookmark) replayed a
  // session with a model active and stored no prediction, the library saying none were stored.
  const feeding = replayOpen || recordingSessionId !== null;
  useEffect(() => {
    if (feeding) inferenceService(client);
  }, [client, feeding]);
  return (
    <div class="sessions-view">
      <div class="dashboard-toolbar">
        <h1>Sessions</h1>
      </div>
      <ErrorBoundary where="panel: Recording">
        <RecordBar client={client} />
      </ErrorBoundary>
      {replayOpen && (
        <ErrorBoundary where="panel: Replay">
          <ReplayPanel client={client} status={replay} />
        </ErrorBoundary>
      )}
      <ErrorBoundary where="panel: Library">
        <Library client={client} replaySessionId={replayOpen ? replay.sessionId : null} recordingSessionId={recordingSessionId} />
      </ErrorBoundary>
    </div>
  );
}
