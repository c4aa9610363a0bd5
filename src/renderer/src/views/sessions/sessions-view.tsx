// The Sessions view: record (with markers and SAM self-reports), the session library, and replay
// controls with the session timeline.
import type { ViewProps } from '../../shell/views';
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
