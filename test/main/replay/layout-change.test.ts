// A device whose layout changes while recording (the headset switched from 19 channels at 500 Hz
// to a Muse's 4 at 256 Hz: a montage or rate change gives the stream a second row). The replay
// announced both rows at once under the one stream id: the hub kept one, the other's chunks were
// refused, and the windows before the change replayed without their EEG ('gap'). Now each row is
// announced when its first chunk comes, as the device announced it live: every window equals live,
// from the start and after seeks on either side of the change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertReplayIsLive, recordSteps, startServiceRig } from './service-rig';

test('a stream whose layout changed mid-recording replays into the live windows on both sides of the change, from the start and after seeks', async (t) => {
  const rig = await startServiceRig(t, { seed: 5 });
  await rig.hub.addSource(rig.headset);
  await rig.hub.addSource(rig.strap);
  const { sessionId, live } = await recordSteps(rig, 'montage change', 30, async (s) => {
    if (s === 12) await rig.hub.configureSource(rig.headset.deviceId, { preset: 'muse' });
  });
  await rig.hub.removeSource(rig.headset.deviceId);
  await rig.hub.removeSource(rig.strap.deviceId);
  rig.windows.length = 0;

  const detail = await rig.service.get(sessionId);
  const eegRows = detail.streams.filter((s) => s.info.modality === 'eeg');
  assert.deepEqual(eegRows.map((s) => s.info.channels.length), [19, 4], 'the EEG stream has a row per layout');
  // Both layouts made EEG windows live: the comparison covers each.
  assert.ok(live.some((w) => w.eeg.present && w.eeg.channels.length === 19) && live.some((w) => w.eeg.present && w.eeg.channels.length === 4), 'live EEG windows in both layouts');
  const all = await assertReplayIsLive(rig, sessionId, live, [6.5, 20.5]);
  assert.ok(all.filter((w) => w.eeg.present && w.eeg.channels.length === 19).length >= 5, 'the EEG before the change is replayed');
});
