// The Electron push port's byte count. A MessagePort has no bufferedAmount, so main's PushLedger
// sizes each push it posts with estimatePushBytes (src/shared/ipc/push-backpressure.ts) and holds
// the sum of those not yet acknowledged against the 4 MiB (skip trace pushes) and 64 MiB (resync)
// limits. This bench takes the pushes the real core makes with both demo devices streaming (the
// message mix a window sees: windows, trace blocks, features, statuses...), and per push type
// prints what the estimate costs per message and how close it comes to the bytes of the message
// as it is posted: v8.serialize of its compacted copy, the V8 value serialiser that
// MessagePortMain's structured clone uses. For scale, it also times that compaction and that
// serialisation, which the post pays anyway. Prints figures; asserts nothing.
//
//   node --import tsx bench/push-bytes.bench.ts [--seconds 15] [--eeg-preset 10-20]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { benchFlags, header, median, POSITIVE, table, timeIt } from './bench-util';
import { startCore } from '../src/main/core/start-core';
import { EEG_PRESETS } from '../src/main/sources/sim-eeg';
import { compactTypedArrayViews } from '../src/shared/ipc/compact-views';
import { CLIENT_HARD_LIMIT_BYTES, CLIENT_SOFT_LIMIT_BYTES, estimatePushBytes } from '../src/shared/ipc/push-backpressure';
import type { PushMessage } from '../src/shared/ipc-schema';

const flags = benchFlags(import.meta.url, 'The Electron push port’s per-message byte estimate against the serialised size, on the pushes the core makes with both demo devices.', {
  seconds: { type: 'number', rule: POSITIVE, default: 15, help: 'seconds of pushes collected from the demo' },
  'eeg-preset': { type: 'string', default: '10-20', value: 'NAME', help: `the simulated headset: ${Object.keys(EEG_PRESETS).join(', ')}` },
});
const preset = flags['eeg-preset'];
if (!EEG_PRESETS[preset]) {
  console.error(`bench/push-bytes.bench.ts: --eeg-preset ${preset} is none of ${Object.keys(EEG_PRESETS).join(', ')}`);
  process.exit(2);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Nanoseconds per message for `fn` applied to every message of `msgs`. */
async function nsPerMessage(msgs: unknown[], fn: (m: unknown) => unknown): Promise<number> {
  let sink = 0;
  const times = await timeIt(
    () => {
      for (const m of msgs) sink += fn(m) ? 1 : 0;
    },
    { minMs: 300, minRuns: 5 },
  );
  if (sink < 0) console.log(sink); // keeps the calls from being optimised away
  return (median(times) * 1e6) / msgs.length;
}

async function main() {
  header(`Electron push byte estimate (estimatePushBytes) vs v8.serialize, demo: ${EEG_PRESETS[preset].label} + strap`);
  const dataDir = mkdtempSync(join(tmpdir(), 'hm-bench-'));
  const byType = new Map<string, PushMessage[]>();
  let seconds = 0;
  try {
    const core = await startCore({ runtime: 'serve', dataDir, demo: { eegPreset: preset }, onLog: () => {} });
    // Collected after the first window: before it, the mix is start-up's (statuses, no windows).
    // (That window itself is left out, or a short run would count one window too many per second.)
    let t0 = NaN;
    const stop = core.subscribePushes((m) => {
      if (Number.isNaN(t0)) {
        if (m.type === 'pipeline:window') t0 = performance.now();
        return;
      }
      const list = byType.get(m.type) ?? [];
      list.push(m);
      byType.set(m.type, list);
    });
    for (let waited = 0; Number.isNaN(t0) && waited < 30_000; waited += 100) await sleep(100);
    if (!Number.isNaN(t0)) await sleep(flags.seconds * 1000);
    seconds = (performance.now() - t0) / 1000;
    stop();
    await core.stop();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }

  const rows: Record<string, string | number>[] = [];
  let estTotal = 0;
  let realTotal = 0;
  let worst = { type: '', ratio: 1 };
  for (const [type, msgs] of [...byType].sort((a, b) => b[1].length - a[1].length)) {
    const posted = msgs.map((m) => compactTypedArrayViews(m));
    const est = msgs.map((m) => estimatePushBytes(m));
    const real = posted.map((m) => serialize(m).length);
    const ratios = est.map((e, i) => e / real[i]).sort((a, b) => a - b);
    const sumEst = est.reduce((a, b) => a + b, 0);
    const sumReal = real.reduce((a, b) => a + b, 0);
    estTotal += sumEst;
    realTotal += sumReal;
    for (const r of [ratios[0], ratios[ratios.length - 1]]) if (Math.abs(Math.log(r)) > Math.abs(Math.log(worst.ratio))) worst = { type, ratio: r };
    rows.push({
      push: type,
      '/s': msgs.length / seconds,
      'serialised B (mean)': sumReal / msgs.length,
      'estimate B (mean)': sumEst / msgs.length,
      'estimate ÷ serialised': sumEst / sumReal,
      'min–max ratio': `${ratios[0].toFixed(2)}–${ratios[ratios.length - 1].toFixed(2)}`,
      'estimate ns': await nsPerMessage(msgs, (m) => estimatePushBytes(m)),
      'compact ns': await nsPerMessage(msgs, (m) => compactTypedArrayViews(m)),
      'serialise ns': await nsPerMessage(posted, (m) => serialize(m)),
    });
  }
  if (rows.length === 0) {
    console.log('no window within 30 s of the core starting: the demo did not stream');
    process.exitCode = 1;
    return;
  }
  table(rows);
  const count = [...byType.values()].reduce((a, l) => a + l.length, 0);
  const weighted = rows.reduce((a, r) => a + (r['/s'] as number) * (r['estimate ns'] as number), 0);
  console.log(
    `\n${count} pushes in ${seconds.toFixed(1)} s: ${(count / seconds).toFixed(0)}/s, ${(realTotal / seconds / 1024).toFixed(1)} KiB/s serialised, ${(estTotal / seconds / 1024).toFixed(1)} KiB/s estimated (${(estTotal / realTotal).toFixed(3)}× overall; furthest single message: ${worst.type} at ${worst.ratio.toFixed(2)}×).`,
  );
  console.log(`The estimate costs ${(weighted / 1000).toFixed(1)} µs of main's CPU per second of this mix, per window with a push port.`);
  console.log(
    `At this rate the ${CLIENT_SOFT_LIMIT_BYTES / 2 ** 20} MiB soft limit is ${(CLIENT_SOFT_LIMIT_BYTES / (realTotal / seconds)).toFixed(0)} s and the ${CLIENT_HARD_LIMIT_BYTES / 2 ** 20} MiB hard limit ${(CLIENT_HARD_LIMIT_BYTES / (realTotal / seconds) / 60).toFixed(1)} min of a frozen page's pushes (lag limits aside).`,
  );
  console.log('serialised = v8.serialize of the compacted message (Node\'s serialiser: V8\'s, as Electron\'s MessagePortMain; its typed-array headers differ by a few bytes).');
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
