// A device that joins or leaves while recording. Live, windows before a device joins and after it is
// removed read its modality as 'no-device', and removing it flushes the pipeline (the windows that
// end at its last sample come out). The recorder stored neither when a stream was announced nor
// that it ended: a replay announced every stream at the start and never ended one, so those windows
// read 'gap' and the trailing windows were missing. Now the recorder stores both (schema 70) and the
// replay announces and ends each stream at the same point of the recording: every window equals the
// live one, byte for byte, from the start and after seeks on either side.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { assertReplayIsLive, assertSameWindow, recordSteps, startServiceRig } from './service-rig';

test('a device removed mid-recording: the replay ends its stream where it ended live (no-device after it, the flushed windows), from the start and after seeks', async (t) => {
  const rig = await startServiceRig(t, { seed: 7 });
  await rig.hub.addSource(rig.headset);
  await rig.hub.addSource(rig.strap);
  const { sessionId, live } = await recordSteps(rig, 'strap removed', 30, async (s) => {
    // The headset's packets lost for 3 s: a gap, not an end (it keeps its stream).
    if (s === 5) rig.headset.injectFault('dropout');
    if (s === 14) await rig.hub.removeSource(rig.strap.deviceId);
  });
  await rig.hub.removeSource(rig.headset.deviceId);
  assert.ok(live.some((w) => w.ecg.present), 'live ECG windows before the removal');
  assert.ok(live.some((w) => w.ecg.absentReason === 'no-device'), 'live windows after the removal read no-device');
  assert.ok(live.some((w) => w.eeg.absentReason === 'gap'), 'live windows across the dropout read gap');
  const rows = (await rig.service.get(sessionId)).streams;
  assert.deepEqual(rows.map((r) => [r.info.modality, r.openedSeq, r.ended !== null]), [['eeg', 0, false], ['ecg', 0, true]], 'only the removed strap ended; the headset after its dropout did not');
  await assertReplayIsLive(rig, sessionId, live, [6.5, 13, 20.5]);
});

test('a device that joined mid-recording: the replay announces its stream where it came live (no-device before it), from the start and after seeks', async (t) => {
  const rig = await startServiceRig(t, { seed: 8 });
  await rig.hub.addSource(rig.headset);
  const { sessionId, live } = await recordSteps(rig, 'strap joins', 30, async (s) => {
    if (s === 10) await rig.hub.addSource(rig.strap);
  });
  await rig.hub.removeSource(rig.headset.deviceId);
  await rig.hub.removeSource(rig.strap.deviceId);
  assert.ok(live.some((w) => w.ecg.present), 'live ECG windows after the join');
  assert.ok(live.some((w) => w.ecg.absentReason === 'no-device'), 'live windows before the join read no-device');
  await assertReplayIsLive(rig, sessionId, live, [4.5, 12, 20.5]);
});

test('a session recorded before schema 70 (no stream announced or ended in it) still replays, as before: the windows up to the removal are live ones', async (t) => {
  const rig = await startServiceRig(t, { seed: 7 });
  await rig.hub.addSource(rig.headset);
  await rig.hub.addSource(rig.strap);
  const { sessionId, live } = await recordSteps(rig, 'older recording', 24, async (s) => {
    if (s === 14) await rig.hub.removeSource(rig.strap.deviceId);
  });
  await rig.hub.removeSource(rig.headset.deviceId);
  const detail = await rig.service.get(sessionId);
  const strapRow = detail.streams.find((s) => s.info.modality === 'ecg')!;
  assert.ok(strapRow.ended && strapRow.openedSeq === 0, `the strap's row says where it ended: ${JSON.stringify(strapRow.ended)}`);
  // What an older version stored (the columns the migration added stay NULL for its sessions).
  const raw = new Database(rig.path);
  raw.prepare('UPDATE streams SET opened_seq = NULL, ended_seq = NULL, ended_time = NULL WHERE session_id = ?').run(sessionId);
  raw.close();
  const old = (await rig.service.get(sessionId)).streams.find((s) => s.info.modality === 'ecg')!;
  assert.equal(old.ended, null, 'no end stored');

  rig.windows.length = 0;
  await rig.service.openReplay({ sessionId: sessionId, speed: 'max', play: true });
  await rig.service.currentReplay()!.whenEnded();
  const all = rig.windows.splice(0);
  const removedAt = strapRow.ended!.time;
  const before = live.filter((w) => w.startTime >= all[0].startTime && w.startTime + w.samples / w.rateHz <= removedAt - 1);
  assert.ok(before.length >= 8, `${before.length} windows before the removal`);
  before.forEach((w, i) => assertSameWindow(all[i], w, `window ${i}`));
  // Without the end, the strap's silence after it reads as a gap, as it did before schema 70.
  assert.ok(all.some((w) => w.ecg.absentReason === 'gap'), 'the ECG after the removal reads gap');
  await rig.service.closeReplay();
});

test('a device removed and added again: a row for each time it streamed, no-device between them, live and on replay', async (t) => {
  const rig = await startServiceRig(t, { seed: 9 });
  await rig.hub.addSource(rig.headset);
  await rig.hub.addSource(rig.strap);
  const { sessionId, live } = await recordSteps(rig, 'strap off and on', 36, async (s) => {
    if (s === 10) await rig.hub.removeSource(rig.strap.deviceId);
    if (s === 20) await rig.hub.addSource(rig.strap);
  });
  await rig.hub.removeSource(rig.headset.deviceId);
  await rig.hub.removeSource(rig.strap.deviceId);
  const ecg = (await rig.service.get(sessionId)).streams.filter((r) => r.info.modality === 'ecg');
  assert.deepEqual(ecg.map((r) => [r.openedSeq === 0, r.ended !== null]), [[true, true], [false, false]], 'a row per time the strap streamed');
  const reasons = live.map((w) => (w.ecg.present ? 'ok' : w.ecg.absentReason));
  assert.ok(reasons.indexOf('no-device') > 0 && reasons.lastIndexOf('ok') > reasons.indexOf('no-device'), `ECG present, then no-device, then back: ${reasons.join(' ')}`);
  await assertReplayIsLive(rig, sessionId, live, [8, 15, 21, 28.5]);
});

test('every device removed mid-recording, then one added: the replay flushes and ends them all (endOfData) and starts the timeline over, as live', async (t) => {
  const rig = await startServiceRig(t, { seed: 10 });
  await rig.hub.addSource(rig.headset);
  await rig.hub.addSource(rig.strap);
  const { sessionId, live } = await recordSteps(rig, 'all off, strap on', 34, async (s) => {
    if (s === 12) {
      await rig.hub.removeSource(rig.headset.deviceId);
      await rig.hub.removeSource(rig.strap.deviceId);
    }
    if (s === 18) await rig.hub.addSource(rig.strap);
  });
  await rig.hub.removeSource(rig.strap.deviceId);
  assert.ok(live.some((w) => !w.eeg.present && w.ecg.present), 'ECG-only windows after the strap came back');
  await assertReplayIsLive(rig, sessionId, live, [6, 14, 25]);
});
