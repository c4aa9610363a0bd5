// The traces' event layout: at most one line per pixel column, labels that never cover each other,
// and an accessible name that lists a dozen events, then how many more.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EVENTS_NAMED, layoutEvents } from '../../../../src/renderer/src/views/dashboard/charts/trace-chart';
import type { EventMark } from '../../../../src/renderer/src/live/event-marks';

const AREA = { left: 40, top: 0, right: 740, bottom: 400 };
/** 10 s over 700 px; 6 px a character (the 11-px font's rough width). */
const PX_PER_S = 70;
const measure = (t: string) => 6 * t.length;
const mark = (time: number, label: string, extra: Partial<EventMark> = {}): EventMark => ({ time, duration: 0, label, kind: 'marker', ...extra });

describe('layoutEvents', () => {
  test('a burst (5000 markers in view, as from a script marking at 500/s): one line per pixel column, labels that do not overlap, a short name', () => {
    const events = Array.from({ length: 5000 }, (_, i) => mark(100 + i * 0.002, `flood_${i}`));
    const layout = layoutEvents(events, 100, 110, AREA, PX_PER_S, measure);
    const xs = layout.lines.marker;
    assert.ok(xs.length <= 701 && xs.length >= 690, `${xs.length} lines for 5000 markers over 700 px`);
    assert.ok(xs.every((x, i) => i === 0 || Math.round(x) > Math.round(xs[i - 1])), 'at most one line per pixel column, left to right');
    assert.ok(layout.labels.length > 5 && layout.labels.length < 20, `${layout.labels.length} labels drawn`);
    layout.labels.forEach((l, i) => assert.ok(i === 0 || l.x - 2 >= layout.labels[i - 1].x + layout.labels[i - 1].width + 2, `label ${i} (${l.text} at ${l.x}) clear of the one before`));
    assert.equal(layout.named, `${events.slice(0, EVENTS_NAMED).map((e) => e.label).join(', ')} and ${5000 - EVENTS_NAMED} more`);
  });

  test('a few events far apart: each has its line and label, as before; a label at the right edge goes left of its line', () => {
    const events = [mark(101, 'stim_on'), mark(103, 'response', { duration: 2 }), mark(105, 'SAM V7 A3 D5', { kind: 'self-report' }), mark(109.99, 'late')];
    const layout = layoutEvents(events, 100, 110, AREA, PX_PER_S, measure);
    assert.deepEqual(layout.lines.marker.map(Math.round), [110, 250, 739]);
    assert.deepEqual(layout.lines['self-report'].map(Math.round), [390]);
    assert.deepEqual(layout.labels.map((l) => l.text), ['stim_on', 'response', 'SAM V7 A3 D5', 'late']);
    assert.ok(layout.labels[3].x + layout.labels[3].width < 739, `the last label (at ${layout.labels[3].x}) left of its line`);
    assert.deepEqual(layout.bands, [{ x0: 250, x1: 390, kind: 'marker' }]);
    assert.equal(layout.named, 'stim_on, response, SAM V7 A3 D5, late');
  });

  test('a band running in from before the window is named and shaded, without a line or label; events outside are left out', () => {
    const events = [mark(95, 'baseline', { duration: 7 }), mark(99, 'gone'), mark(111, 'not yet')];
    const layout = layoutEvents(events, 100, 110, AREA, PX_PER_S, measure);
    assert.deepEqual([layout.lines.marker, layout.labels, layout.named], [[], [], 'baseline']);
    assert.deepEqual(layout.bands, [{ x0: 40, x1: 180, kind: 'marker' }]);
  });
});
