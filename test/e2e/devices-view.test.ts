// The Devices view in real Chromium against the real core in serve mode: type a serial path (a
// socat pseudo-terminal with an emulated Cyton dongle behind it), connect, see it stream, rename
// it, disconnect it; connect it again, pull the dongle (socat killed) and plug it back: the row
// says it is retrying, then shows the drop it recovered from; its clock line is the Live
// dashboard's; a wrong path is refused with the
// reason and not remembered; a Bluetooth scan on a machine without Bluetooth says so; BrainFlow's
// playback and synthetic boards connect through the library the user points to (a bad ECG row is
// named in the form's words; a field of another board does not ride along; Connect on the board
// already streaming says so); each row's Connect at start box is named after its device and keeps
// the state it was clicked to; with the core gone
// the rows say their state is unknown.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import type { CytonOnPty } from './support/cyton-pty';
import { devicesPageMissing, openDevicesWithCyton, pairedRow as row, type DevicesPage } from './support/devices-page';
import type { ServedPage } from './support/open-page';
import { waitFor } from '../fixtures/recording-sink';

const BF_DIR = resolve('..', 'shared', 'brainflow', 'linux-x64');
const skip = devicesPageMissing();

describe('Devices view (Chromium, serve mode)', { skip }, () => {
  let devices: DevicesPage;
  let app: ServedPage;
  let page: Page;
  let dongle: CytonOnPty;

  before(async () => {
    devices = await openDevicesWithCyton('e2e-devices');
    ({ app, page, dongle } = devices);
  });

  after(async () => {
    await devices?.close();
  });

  test('no devices yet; a mistyped port is refused with the reason and not remembered', async () => {
    await page.waitForSelector('[data-testid="paired-empty"]', { timeout: 10_000 });
    await page.fill('[data-testid="serial-path"]', '/dev/ttyNOPE7');
    await page.selectOption('[data-testid="serial-kind"]', 'cyton');
    await page.click('[data-testid="serial-connect"]');
    const err = await page.waitForSelector('[data-testid="serial-error"]', { timeout: 15_000 });
    assert.match(await err.innerText(), /cannot open \/dev\/ttyNOPE7: port not found/);
    assert.ok(await page.$('[data-testid="paired-empty"]'), 'still no paired device');
    // Its card on the Live dashboard says why it failed, and is dismissed from the keyboard (it had
    // no button and stayed until HeartMind closed); the focus goes to the Devices heading.
    await page.goto(new URL('#/', app.serve.url).href);
    const card = '[data-testid="device-cyton:/dev/ttyNOPE7"]';
    await page.waitForSelector(`${card}[data-state="error"] [data-testid="device-dismiss"]`, { timeout: 5_000 });
    await page.focus(`${card} [data-testid="device-dismiss"]`);
    await page.keyboard.press('Enter');
    await page.waitForSelector(card, { state: 'detached', timeout: 5_000 });
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Devices', 'the focus is on the Devices panel heading');
    assert.ok(!app.serve.core.hub.sources().some((s) => s.deviceId === 'cyton:/dev/ttyNOPE7'), 'the core let it go');
    await page.goto(new URL('#/devices', app.serve.url).href);
    await page.waitForSelector('[data-testid="paired-empty"]', { timeout: 5_000 });
  });

  test('type the pseudo-terminal path, connect the Cyton, see it stream; rename; disconnect', async () => {
    await page.fill('[data-testid="serial-path"]', dongle.pty.app);
    await page.click('[data-testid="serial-connect"]');
    const id = `cyton:${dongle.pty.app}`;
    await page.waitForSelector(`${row(id)}[data-state="streaming"]`, { timeout: 15_000 });
    assert.ok(app.serve.core.hub.streams().some((s) => s.id === `${id}/eeg` && s.nominalRateHz === 250), 'the hub streams it');
    // The row names the model the driver found from the board's reset reply (no Daisy), not only "serial <path>".
    await page.waitForFunction(([sel, want]) => document.querySelector(sel)?.textContent === want, [`${row(id)} [data-testid="paired-model"]`, `OpenBCI Cyton · serial ${dongle.pty.app}`] as const, { timeout: 5000 });
    const saved = JSON.parse(readFileSync(join(app.serve.core.ctx.dataDir, 'devices.json'), 'utf8'));
    assert.equal(saved.paired[0].deviceId, id);
    // Its clock line, as the Live dashboard's card shows it (the same text function, from the
    // 'pipeline:clock' pushes): a few seconds in, the offset so far, the drift still being estimated.
    // The Cyton counts its samples from the connect: its offset is the host time of its device time
    // 0, said as that time of day ('device time 0 at 14:03:07.412'), not as a 13-digit host epoch.
    const clock = `${row(id)} [data-testid="device-clock"][data-stream="${id}/eeg"]`;
    await page.waitForFunction((sel) => /device time 0 at/.test(document.querySelector(sel)?.textContent ?? ''), clock, { timeout: 10_000 });
    const first = (await page.textContent(clock)) ?? '';
    assert.match(first, /^EEG clock: estimating drift… \(device time 0 at \d\d:\d\d:\d\d\.\d{3} so far, (1 packet|\d+ packets)\)$/, "the row's clock line");
    // Pushed every 2 s, and the first push may come after one packet: the offset then still moves by
    // a loaded machine's delivery delays (the earliest arrivals set it). The line is compared with the
    // core's offset until a push shows it within 50 ms (the pty's delivery, milliseconds, in 2 s).
    const coreOffset = () => app.serve.core.hub.clockStates!().find((c) => c.streamId === `${id}/eeg`)!.clock.offsetSec;
    const seen: string[] = [];
    for (const deadline = Date.now() + 15_000; ; ) {
      const line = (await page.textContent(clock)) ?? '';
      const core = coreOffset();
      const m = /^EEG clock: (?:estimating drift… \()?device time 0 at (\d\d):(\d\d):(\d\d\.\d{3})/.exec(line);
      assert.ok(m, `the row's clock line: '${line}'`);
      // Local time of day, as the page (on this machine, in its time zone) writes it.
      const shownS = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
      const d = new Date(core * 1000);
      const coreDayS = d.getHours() * 3600 + d.getMinutes() * 60 + d.getSeconds() + (core - Math.floor(core));
      const off = Math.abs(shownS - coreDayS);
      if (Math.min(off, 86_400 - off) < 0.05) break;
      seen.push(`shown ${shownS} s, the core's ${core} s`);
      assert.ok(Date.now() < deadline, `the row's offset never came within 50 ms of the core's in 15 s: ${seen.join('; ')}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.match((await page.getAttribute(`${row(id)} .device-clocks`, 'title')) ?? '', /offset: host time − device time/, 'the dashboard card\'s tooltip');

    await page.click(`${row(id)} [data-testid="paired-rename"]`);
    // A blank name is refused with the reason, and the form stays open to correct it.
    await page.fill(`${row(id)} [data-testid="rename-input"]`, '   ');
    await page.click(`${row(id)} [data-testid="rename-save"]`);
    const refused = await page.waitForSelector(`${row(id)} .form-error`, { timeout: 5000 });
    assert.equal(await refused.innerText(), 'a name cannot be empty');
    assert.ok(await page.$(`${row(id)} [data-testid="rename-input"]`), 'the rename form is still open');
    await page.fill(`${row(id)} [data-testid="rename-input"]`, 'Lab Cyton');
    await page.click(`${row(id)} [data-testid="rename-save"]`);
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === 'Lab Cyton', `${row(id)} [data-testid="paired-name"]`, { timeout: 5000 });

    await page.click(`${row(id)} [data-testid="paired-toggle"]`);
    await page.waitForSelector(`${row(id)}[data-state="stopped"]`, { timeout: 10_000 });
    // The row says 'stopped' as the stop begins (its status is pushed then); the hub lets the streams
    // go once the port has closed, a moment later on a busy machine: waited for, not read at once.
    await waitFor('no stream of it left on the hub', () => !app.serve.core.hub.streams().some((s) => s.deviceId === id), 5000);
    assert.equal(await page.$(clock), null, 'a stopped device shows no clock figures as if current');
  });

  test('pull the dongle and plug it back: the row says it is retrying, then shows the drop it recovered from', async () => {
    const id = `cyton:${dongle.pty.app}`;
    // Connect again from its row (it was disconnected above, and keeps its new name).
    await page.click(`${row(id)} [data-testid="paired-toggle"]`);
    await page.waitForSelector(`${row(id)}[data-state="streaming"]`, { timeout: 15_000 });
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === 'EEG 8 ch · 250 Hz', `${row(id)} [data-testid="paired-streams"]`, { timeout: 5000 });

    await dongle.pty.unplug();
    await page.waitForSelector(`${row(id)}[data-state="reconnecting"]`, { timeout: 10_000 });
    const down = await page.waitForSelector(`${row(id)} [data-testid="paired-down"]`, { timeout: 5000 });
    assert.match(await down.innerText(), /^No data since \d\d:\d\d:\d\d\. Retrying on its own until you disconnect it/);
    // The row is titled with the name; its problem line does not repeat it (nor the name the
    // driver was built with before the rename).
    const problem = await page.waitForSelector(`${row(id)} [data-testid="paired-problem"]`, { timeout: 5000 });
    await page.waitForFunction((sel) => /port not found/.test(document.querySelector(sel)?.textContent ?? ''), `${row(id)} [data-testid="paired-problem"]`, { timeout: 5000 });
    const text = await problem.innerText();
    assert.match(text, /^cannot open .*: port not found \(unplugged\?\)$/);
    assert.equal(await page.$(`${row(id)} [data-testid="device-clock"]`), null, 'no clock figures while it is away');
    // The pushed status carries the name beside the problem, not in it (the dashboard's device card
    // shows the problem under the name too).
    const pushed = app.serve.core.hub.devices().find((d) => d.deviceId === id);
    assert.equal(pushed?.name, 'Lab Cyton');
    assert.match(pushed?.problem?.message ?? '', /^cannot open /);
    // A page opened during the drop (reloaded here) still says since when: the status carries it.
    const since = (await down.innerText()).slice(0, 'No data since 00:00:00'.length);
    await page.reload();
    await page.waitForSelector('[data-testid="connection"][data-state="open"]', { timeout: 10_000 });
    const downAgain = await page.waitForSelector(`${row(id)} [data-testid="paired-down"]`, { timeout: 5000 });
    assert.equal((await downAgain.innerText()).slice(0, since.length), since);
    await new Promise((r) => setTimeout(r, 1000));

    await dongle.pty.plug();
    await dongle.emu.open();
    await page.waitForSelector(`${row(id)}[data-state="streaming"]`, { timeout: 15_000 });
    const drop = await page.waitForSelector(`${row(id)} [data-testid="paired-drop"]`, { timeout: 5000 });
    assert.match(await drop.innerText(), /^Last drop: \d\d:\d\d:\d\d to \d\d:\d\d:\d\d \(\d+(\.\d)? s, \d+ samples missing\), reconnected on its own; marked as a gap\.$/);
    assert.equal(await page.$(`${row(id)} [data-testid="paired-down"]`), null);
    assert.equal(await page.$(`${row(id)} [data-testid="paired-problem"]`), null, 'the problem cleared once it streamed again');
    // …and a page opened after it still shows the last drop (its gaps were pushed before it opened).
    const dropText = await drop.innerText();
    await page.reload();
    await page.waitForSelector(`${row(id)}[data-state="streaming"]`, { timeout: 10_000 });
    assert.equal(await page.innerText(`${row(id)} [data-testid="paired-drop"]`), dropText);

    await page.click(`${row(id)} [data-testid="paired-toggle"]`);
    await page.waitForSelector(`${row(id)}[data-state="stopped"]`, { timeout: 10_000 });
  });

  test('Bluetooth scan on a machine without Bluetooth says so', async () => {
    await page.click('[data-testid="ble-scan"]');
    const err = await page.waitForSelector('[data-testid="ble-error"]', { timeout: 15_000 });
    assert.match(await err.innerText(), /Bluetooth unavailable/);
  });

  test("BrainFlow: point to the library, connect the synthetic board", { skip: !existsSync(join(BF_DIR, 'libBoardController.so')) && 'needs ../shared/brainflow' }, async () => {
    // A library that is not the board controller (BrainFlow's own data handler beside it): said as a
    // problem, not as "Using <path>" followed by why it cannot be used.
    await page.fill('[data-testid="bf-lib-path"]', join(BF_DIR, 'libDataHandler.so'));
    await page.click('[data-testid="bf-lib-set"]');
    await page.waitForFunction(() => /prepare_session/.test(document.querySelector('[data-testid="bf-library"]')?.textContent ?? ''), undefined, { timeout: 10_000 });
    const notBf = (await page.textContent('[data-testid="bf-library"]'))?.trim() ?? '';
    assert.match(notBf, /^BrainFlow: .*libDataHandler\.so is not BrainFlow's libBoardController/);
    assert.doesNotMatch(notBf, /Using/);
    await page.fill('[data-testid="bf-lib-path"]', BF_DIR);
    await page.click('[data-testid="bf-lib-set"]');
    await page.waitForFunction(() => /version/.test(document.querySelector('[data-testid="bf-library"]')?.textContent ?? ''), undefined, { timeout: 10_000 });
    await page.selectOption('[data-testid="bf-board"]', '-1');
    // A row that is not a number is named in the form's words (not "brainflow: ecgRows must be …").
    await page.fill('[data-testid="bf-ecg-rows"]', '8, x');
    await page.click('[data-testid="bf-connect"]');
    const bad = await page.waitForSelector('[data-testid="bf-error"]', { timeout: 5000 });
    assert.equal(await bad.innerText(), 'ECG rows: "x" is not a row number; give BrainFlow row numbers, such as 8 or 8, 9');
    await page.fill('[data-testid="bf-ecg-rows"]', '');
    // A serial port typed for another board does not ride along with a playback file (it named
    // the device 'brainflow:-3:/dev/ttyFAKE0').
    await page.fill('[data-testid="bf-serial-port"]', '/dev/ttyFAKE0');
    await page.selectOption('[data-testid="bf-board"]', '-3');
    const file = join(app.serve.core.ctx.dataDir, 'playback.csv');
    writeFileSync(file, Array.from({ length: 2500 }, (_, i) => [i % 256, ...new Array(21).fill(Math.sin(i / 10).toFixed(4)), (1557936053 + i / 250).toFixed(4), 0].join('\t')).join('\n') + '\n');
    await page.fill('[data-testid="bf-file"]', file);
    await page.click('[data-testid="bf-connect"]');
    await page.waitForSelector(`${row(`brainflow:-3:${file}`)}[data-state="streaming"]`, { timeout: 15_000 });
    await page.click(`${row(`brainflow:-3:${file}`)} [data-testid="paired-toggle"]`);
    await page.waitForSelector(`${row(`brainflow:-3:${file}`)}[data-state="stopped"]`, { timeout: 10_000 });
    await page.selectOption('[data-testid="bf-board"]', '-1');
    await page.fill('[data-testid="bf-serial-port"]', '');
    await page.click('[data-testid="bf-connect"]');
    await page.waitForSelector(`${row('brainflow:-1')}[data-state="streaming"]`, { timeout: 15_000 });
    assert.equal(await page.innerText(`${row('brainflow:-1')} [data-testid="paired-name"]`), 'BrainFlow Synthetic board');
    assert.equal(await page.innerText(`${row('brainflow:-1')} [data-testid="paired-model"]`), 'BrainFlow Synthetic board', 'the board, named once');
    // Connect again with the same settings: said, not silently ignored.
    await page.click('[data-testid="bf-connect"]');
    const note = await page.waitForSelector('[data-testid="bf-note"]', { timeout: 10_000 });
    assert.equal(await note.innerText(), 'BrainFlow Synthetic board is already streaming with these settings; nothing changed.');
    await page.click(`${row('brainflow:-1')} [data-testid="paired-toggle"]`);
    await page.waitForSelector(`${row('brainflow:-1')}[data-state="stopped"]`, { timeout: 10_000 });
  });

  test("each remembered device's Connect at start box is named after its device (Chromium's accessibility tree)", async () => {
    // Several remembered rows (the Cyton, and the BrainFlow boards when the library is there), each
    // with the box: they read 'Connect at start, Connect at start, …' to a screen reader before.
    const ids = await page.$$eval('[data-testid="paired-list"] > li', (lis) => lis.map((li) => li.getAttribute('data-testid')!.slice('paired-'.length)));
    assert.ok(ids.length >= 1, 'remembered rows');
    const names: string[] = [];
    for (const id of ids) {
      const name = await page.innerText(`${row(id)} [data-testid="paired-name"]`);
      names.push(name);
      const box = page.getByRole('checkbox', { name: `Connect at start: ${name}`, exact: true });
      assert.equal(await box.count(), 1, `one box named for ${name}`);
      assert.equal(await box.getAttribute('data-testid'), 'paired-auto');
      // …and it is that row's box.
      assert.equal(await page.locator(row(id)).getByRole('checkbox', { name: `Connect at start: ${name}`, exact: true }).count(), 1);
    }
    assert.equal(new Set(names).size, names.length, 'the rows have distinct names');
    // Unticking the box found by its name changes that device, and only it.
    const profile = () => JSON.parse(readFileSync(join(app.serve.core.ctx.dataDir, 'devices.json'), 'utf8')).paired as { deviceId: string; autoConnect: boolean }[];
    const cyton = `cyton:${dongle.pty.app}`;
    const before = profile();
    assert.equal(before.find((p) => p.deviceId === cyton)?.autoConnect, true);
    await page.getByRole('checkbox', { name: 'Connect at start: Lab Cyton', exact: true }).uncheck();
    const deadline = Date.now() + 5000;
    while (profile().find((p) => p.deviceId === cyton)?.autoConnect !== false && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const after = profile();
    assert.equal(after.find((p) => p.deviceId === cyton)?.autoConnect, false);
    for (const p of after.filter((x) => x.deviceId !== cyton)) assert.equal(p.autoConnect, before.find((b) => b.deviceId === p.deviceId)?.autoConnect, p.deviceId);
    await page.getByRole('checkbox', { name: 'Connect at start: Lab Cyton', exact: true }).check();
    while (profile().find((p) => p.deviceId === cyton)?.autoConnect !== true && Date.now() < deadline + 5000) await new Promise((r) => setTimeout(r, 50));
    assert.equal(profile().find((p) => p.deviceId === cyton)?.autoConnect, true);

    // Two rows renamed, and two forgets asked, at once: each form's controls say whose they are.
    if (names.length >= 2) {
      const [a, b] = names;
      for (const n of [a, b]) await page.getByRole('button', { name: `Rename ${n}`, exact: true }).click();
      for (const n of [a, b]) {
        assert.equal(await page.getByRole('textbox', { name: `New name for ${n}`, exact: true }).count(), 1);
        assert.equal(await page.getByRole('button', { name: `Save the new name for ${n}`, exact: true }).count(), 1);
      }
      for (const n of [a, b]) await page.getByRole('button', { name: `Cancel renaming ${n}`, exact: true }).click();
      for (const n of [a, b]) await page.getByRole('button', { name: `Forget ${n}`, exact: true }).click();
      for (const n of [a, b]) assert.equal(await page.getByRole('button', { name: `Forget ${n}`, exact: true }).count(), 1, 'the confirmation, in place of the row\'s button');
      for (const n of [a, b]) await page.getByRole('button', { name: `Keep ${n}`, exact: true }).click();
      assert.equal(profile().length, before.length, 'nothing forgotten');
    }
  });

  test('Rename, Forget, Disconnect and Connect by keyboard: the field takes the focus with the current name (renamed on another page meanwhile), Escape gives it back to Rename; Forget asks with the focus on Keep; the toggle keeps the focus while it acts', async () => {
    const id = `cyton:${dongle.pty.app}`;
    const nameSel = `${row(id)} [data-testid="paired-name"]`;
    const focused = () => page.evaluate(() => ({ testid: document.activeElement?.getAttribute('data-testid') ?? null, label: document.activeElement?.getAttribute('aria-label') ?? null, value: (document.activeElement as HTMLInputElement | null)?.value ?? null }));
    // Renamed on another page (a second window, a colleague's browser).
    const other = await app.browser.newPage();
    await other.goto(`${app.serve.url}#/devices`);
    await other.click(`${row(id)} [data-testid="paired-rename"]`);
    await other.fill(`${row(id)} [data-testid="rename-input"]`, 'Lab Cyton (bench 2)');
    await other.click(`${row(id)} [data-testid="rename-save"]`);
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === 'Lab Cyton (bench 2)', nameSel, { timeout: 5000 });
    await other.close();

    await page.focus(`${row(id)} [data-testid="paired-rename"]`);
    await page.keyboard.press('Enter');
    let f = await focused();
    assert.deepEqual([f.testid, f.value], ['rename-input', 'Lab Cyton (bench 2)'], `the field, holding the name as it is now: ${JSON.stringify(f)}`);
    // The name is selected: typing replaces it.
    await page.keyboard.type('Scratch');
    assert.equal(await page.inputValue(`${row(id)} [data-testid="rename-input"]`), 'Scratch');
    await page.keyboard.press('Escape');
    assert.equal(await page.$(`${row(id)} [data-testid="rename-input"]`), null, 'Escape closed the form');
    f = await focused();
    assert.equal(f.testid, 'paired-rename', `the focus is back on Rename: ${JSON.stringify(f)}`);
    assert.equal(await page.innerText(nameSel), 'Lab Cyton (bench 2)', 'nothing renamed');
    // Enter saves, and the focus stays in the row.
    await page.keyboard.press('Enter');
    await page.keyboard.type('Lab Cyton');
    await page.keyboard.press('Enter');
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === 'Lab Cyton', nameSel, { timeout: 5000 });
    f = await focused();
    assert.equal(f.testid, 'paired-rename', `after saving: ${JSON.stringify(f)}`);

    await page.focus(`${row(id)} [data-testid="paired-forget"]`);
    await page.keyboard.press('Enter');
    f = await focused();
    assert.equal(f.label, 'Keep Lab Cyton', `the confirmation takes the focus on Keep: ${JSON.stringify(f)}`);
    await page.keyboard.press('Escape');
    assert.equal(await page.$(`${row(id)} [data-testid="paired-forget-yes"]`), null, 'Escape kept it');
    f = await focused();
    assert.equal(f.testid, 'paired-forget', `the focus is back on Forget: ${JSON.stringify(f)}`);
    assert.ok(JSON.parse(readFileSync(join(app.serve.core.ctx.dataDir, 'devices.json'), 'utf8')).paired.some((p: { deviceId: string }) => p.deviceId === id), 'still remembered');

    // Disconnect, then Connect, by Enter: the button keeps the focus while its action runs (disabled,
    // it dropped the focus to the page, and the next Enter went nowhere).
    const toggle = `${row(id)} [data-testid="paired-toggle"]`;
    if ((await page.getAttribute(row(id), 'data-state')) !== 'streaming') {
      await page.click(toggle);
      await page.waitForSelector(`${row(id)}[data-state="streaming"]`, { timeout: 15_000 });
    }
    await page.focus(toggle);
    await page.keyboard.press('Enter');
    f = await focused();
    assert.equal(f.testid, 'paired-toggle', `while it disconnects: ${JSON.stringify(f)}`);
    await page.waitForSelector(`${row(id)}[data-state="stopped"]`, { timeout: 10_000 });
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${row(id)}[data-state="streaming"]`, { timeout: 15_000 });
    f = await focused();
    assert.deepEqual([f.testid, f.label], ['paired-toggle', 'Disconnect Lab Cyton'], `connected again by the second Enter: ${JSON.stringify(f)}`);
  });

  test('the page logged no errors', () => {
    assert.deepEqual(app.problems, [], 'no page errors');
  });

  // Last: it stops the core (the page then logs its reconnect attempts).
  test('with the core gone, no row claims to be streaming', async () => {
    const bf = row('brainflow:-1');
    const id = `cyton:${dongle.pty.app}`;
    await page.click(`${bf} [data-testid="paired-toggle"]`);
    await page.waitForSelector(`${bf}[data-state="streaming"]`, { timeout: 15_000 });
    await app.serve.stop();
    const note = await page.waitForSelector('[data-testid="paired-offline"]', { timeout: 10_000 });
    assert.match(await note.innerText(), /^No contact with HeartMind's core since \d\d:\d\d:\d\d: what the devices are doing is unknown until it is back/);
    for (const r of [bf, row(id)]) {
      assert.equal(await page.getAttribute(r, 'data-state'), 'unknown');
      assert.equal(await page.innerText(`${r} [data-testid="paired-state"]`), 'unknown');
      assert.equal(await page.isDisabled(`${r} [data-testid="paired-toggle"]`), true);
    }
  });
});
