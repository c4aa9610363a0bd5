// Large answers in parts (serve mode): cut, put back together, and parts that do not fit refused
// by name. The server end to end (pushes between the parts) is in test/main/serve/serve-server.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, encodeFrame, FRAME_MAX_BYTES, FrameCodecError, FrameKind } from '../../../src/shared/ipc/frame-codec';
import { encodeResponsePart, ResponseAssembler, responsePartCount } from '../../../src/shared/ipc/response-parts';

const PART = 4096;

function bigResponse(id: number, n: number): { frame: ArrayBuffer; bytes: Uint8Array; floats: Float32Array } {
  const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 31) & 255);
  const floats = Float32Array.from({ length: 1001 }, (_, i) => (i % 7 === 0 ? NaN : i / 3));
  return { frame: encodeFrame(FrameKind.Response, { id, answer: { ok: true, value: { bytes, floats, name: 'model' } } }), bytes, floats };
}

const parts = (id: number, frame: ArrayBuffer) => Array.from({ length: responsePartCount(frame, PART) }, (_, i) => decodeFrame(encodeResponsePart(id, frame, i, PART)).value);

describe('response parts', () => {
  test('a response cut into parts comes back whole, typed arrays and all, with two responses interleaved', () => {
    const a = bigResponse(1, 50_000);
    const b = bigResponse(2, 9_000);
    const pa = parts(1, a.frame);
    const pb = parts(2, b.frame);
    assert.equal(pa.length, Math.ceil(a.frame.byteLength / PART));
    const asm = new ResponseAssembler();
    const done: unknown[] = [];
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
      for (const p of [pa[i], pb[i]]) {
        if (!p) continue;
        const f = asm.add(p);
        if (f) done.push(f.value);
      }
    }
    assert.equal(done.length, 2);
    const [first, second] = done as { id: number; answer: { ok: true; value: { bytes: Uint8Array; floats: Float32Array; name: string } } }[];
    assert.equal(second.id, 1); // the longer one finishes last
    assert.deepEqual(second.answer.value.bytes, a.bytes);
    assert.deepEqual([...second.answer.value.floats], [...a.floats]);
    assert.equal(first.id, 2);
    assert.deepEqual(first.answer.value.bytes, b.bytes);
  });

  test('parts out of order, a response starting mid-way, a wrong length, or parts of something else: bad-part', () => {
    const { frame } = bigResponse(3, 20_000);
    const p = parts(3, frame) as { index: number; total: number; bytes: Uint8Array }[];
    const refuse = (steps: unknown[], why: RegExp) => {
      const asm = new ResponseAssembler();
      assert.throws(
        () => steps.forEach((s) => asm.add(s)),
        (e: unknown) => e instanceof FrameCodecError && e.code === 'bad-part' && why.test(e.message),
      );
    };
    refuse([p[1]], /starts at part 1/);
    refuse([p[0], p[2]], /part 2 of \d+ .* does not follow part 0/);
    refuse([p[0], { ...p[1], total: p[1].total + 1 }], /does not follow/);
    refuse([{ id: 3, index: 0 }], /without id, index, count, total and bytes/);
    assert.throws(() => new ResponseAssembler().add({ ...p[0], total: FRAME_MAX_BYTES + 1 }), (e: unknown) => e instanceof FrameCodecError && e.code === 'too-large');
    const push = encodeFrame(FrameKind.Push, { type: 'x', pad: new Uint8Array(10_000) });
    refuse(Array.from({ length: responsePartCount(push, PART) }, (_, i) => decodeFrame(encodeResponsePart(4, push, i, PART)).value), /make a frame of kind 1/);
    // After a refusal the assembler takes that id afresh.
    const asm = new ResponseAssembler();
    assert.throws(() => asm.add(p[1]));
    let out = null;
    for (const part of p) out = asm.add(part);
    assert.equal((out?.value as { id: number }).id, 3);
  });
});
