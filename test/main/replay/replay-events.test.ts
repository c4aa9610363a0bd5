// Markers and self-reports reach the page as a replay passes them, each once, in time order, also
// those outside the session's samples: a marker stamped just before Record, one sent just before
// Stop and the SAM given as the recording stopped (no chunk passed them, so a replay never showed them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SessionPush } from '../../../src/shared/ipc/sessions.schema';
import { startServiceRig } from './service-rig';

test('a replay passes every marker and self-report once, those before the first and after the last sample included', async (t) => {
  const rig = await startServiceRig(t, { seed: 4 });
  const pushed: string[] = [];
  // The service's pushes, as the page receives them.
  (rig.service as unknown as { opts: { push(m: SessionPush): void } }).opts.push = (m) => {
    if (m.type === 'sessions:marker') pushed.push(m.marker.label);
    else if (m.type === 'sessions:self-report') pushed.push(`SAM ${m.report.text}`);
  };
  await rig.hub.addSource(rig.headset);
  await rig.hub.addSource(rig.strap);
  rig.scheduler.advance(2);
  const { sessionId, startTime } = await rig.service.startRecording({ name: 'events' });
  // Stimulus software's own time stamp, from just before Record was pressed.
  await rig.service.marker({ label: 'fixation', time: startTime! - 2 });
  await rig.service.marker({ label: 'baseline' });
  for (let s = 0; s < 12; s++) {
    rig.scheduler.advance(1);
    await rig.service.recorder.flush();
    if (s === 5) {
      await rig.service.marker({ label: 'stimulus' });
      await rig.service.selfReport({ valence: 3, arousal: 7, dominance: 5, text: 'mid' });
    }
  }
  // The end of the experiment, then Stop before another sample arrives.
  await rig.service.marker({ label: 'experiment_end' });
  await rig.service.selfReport({ valence: 6, arousal: 4, dominance: 5, text: 'final' });
  await rig.service.stopRecording();
  const s = await rig.service.get(sessionId!);
  const timeline = await rig.service.timeline(sessionId!);
  assert.deepEqual(timeline.markers.map((m) => m.label), ['fixation', 'baseline', 'stimulus', 'experiment_end']);
  assert.equal(timeline.selfReports.length, 2);

  pushed.length = 0;
  await rig.service.openReplay({ sessionId: sessionId!, speed: 'max' });
  await rig.service.currentReplay()!.whenEnded();
  assert.deepEqual(pushed, ['fixation', 'baseline', 'stimulus', 'SAM mid', 'experiment_end', 'SAM final']);
  assert.equal(rig.service.replayStatus().position, s.endTime);

  // From a seek past the middle: the events after the target, once.
  pushed.length = 0;
  await rig.service.seek(s.startTime + 8);
  rig.service.play();
  await rig.service.currentReplay()!.whenEnded();
  assert.deepEqual(pushed, ['experiment_end', 'SAM final']);
  await rig.service.closeReplay();
});
