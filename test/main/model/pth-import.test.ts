// .pth import: a checkpoint written by PyTorch (Debian python3-torch) with a distinct value pattern in
// every tensor must land key by key, index by index, in our encoder parameters.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { zipSync } from 'fflate';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CBRAMOD_ENCODER, encoderWithLayers } from '../../../src/shared/model/config';
import { encoderParamSpecs } from '../../../src/shared/model/params';
import { ModelError, ModelErrorCode } from '../../../src/shared/model/model-error';
import { cbramodParamsFromStateDict, importCbramodCheckpoint, parsePthStateDict } from '../../../src/main/model/pth-import';
import { checkJobInputs } from '../../../src/main/train/cli-train';
import { RunStore } from '../../../src/main/train/run-store';
import { defaultRecipe } from '../../../src/shared/train/recipes';
import { hasTorch, PYTHON, REFERENCE_SCRIPT } from '../../shared/model/torch-reference';

const SHARED_DATA = resolve('..', 'shared', 'data');

const noTorch = !hasTorch() && 'needs /usr/bin/python3 with python3-torch';
let dir = '';

let full: { keys: string[]; shapes: number[][] };

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'hm-pth-'));
  if (noTorch) return;
  // One interpreter start writes every fixture (torch's import dominates the time).
  full = JSON.parse(py('make-all', dir).trim().split('\n')[0]);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function py(...args: string[]): string {
  return execFileSync(PYTHON, [REFERENCE_SCRIPT, ...args], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
}

const isModelError = (code: ModelErrorCode, re?: RegExp) => (e: unknown) => {
  assert.ok(e instanceof ModelError, `expected ModelError, got ${String(e)}`);
  assert.equal(e.code, code, e.message);
  if (re) assert.match(e.message, re);
  return true;
};

describe('CBraMod checkpoint import', { skip: noTorch }, () => {
  test('every tensor of a 12-layer state_dict lands in place (211 keys, pattern checked at every index)', () => {
    const path = join(dir, 'full.pth');
    const info = full;
    assert.equal(info.keys.length, 211);
    const { params, hasProjOut } = importCbramodCheckpoint(new Uint8Array(readFileSync(path)), CBRAMOD_ENCODER);
    assert.ok(hasProjOut, 'the checkpoint holds proj_out');
    assert.deepEqual(new Set(Object.keys(params)), new Set(encoderParamSpecs(CBRAMOD_ENCODER, true).map((s) => s.name)));
    info.keys.forEach((k, ti) => {
      const t = params[k];
      assert.deepEqual(t.shape, info.shapes[ti], k);
      for (let i = 0; i < t.data.length; i++) {
        const want = Math.fround(ti + (i % 997) * 0.001);
        if (Math.abs(t.data[i] - want) > 1e-4) assert.fail(`${k}[${i}] = ${t.data[i]}, want ${want}`);
      }
    });
    // Spot checks with literal numbers: a known value at a known index.
    const ti = info.keys.indexOf('encoder.layers.11.linear2.weight');
    assert.ok(Math.abs(params['encoder.layers.11.linear2.weight'].data[1234] - (ti + 0.237)) < 1e-4, `linear2.weight[1234] is ${params['encoder.layers.11.linear2.weight'].data[1234]}, expected ${ti + 0.237}`);
  });

  test('a state_dict wrapped under "model" is unwrapped', () => {
    const path = join(dir, 'wrapped.pth');
    const { params } = importCbramodCheckpoint(new Uint8Array(readFileSync(path)), encoderWithLayers(2));
    assert.equal(Object.keys(params).length, encoderParamSpecs(encoderWithLayers(2), true).length);
  });

  test('float64, non-contiguous tensors and a module. prefix are read exactly', () => {
    const path = join(dir, 'float64.pth');
    const sd = parsePthStateDict(new Uint8Array(readFileSync(path)));
    const w = sd.get('module.encoder.layers.0.linear1.weight')!;
    assert.equal(w.dtype, 'float64');
    assert.deepEqual(w.shape, [800, 200]);
    // w = (arange(200·800).reshape(200, 800) · 1e-4)ᵀ, so w[o][i] = (i·800 + o)·1e-4
    assert.ok(Math.abs(w.data[5 * 200 + 7] - (7 * 800 + 5) * 1e-4) < 1e-6, `w[5, 7] is ${w.data[5 * 200 + 7]}, expected ${(7 * 800 + 5) * 1e-4} (transposed)`);
    const { params } = cbramodParamsFromStateDict(sd, encoderWithLayers(1));
    assert.ok(params['encoder.layers.0.linear1.weight'], 'encoder.layers.0.linear1.weight is loaded');
  });

  test("a fine-tuned CBraMod (encoder as 'backbone', a 'classifier' head, DataParallel's 'module.'): the encoder is taken, the head said to be left out", () => {
    const path = join(dir, 'fine-tuned.pth');
    const keys = JSON.parse(readFileSync(`${path}.keys.json`, 'utf8')) as string[];
    const e = encoderWithLayers(1);
    const { params, hasProjOut, note } = importCbramodCheckpoint(new Uint8Array(readFileSync(path)), e);
    assert.equal(hasProjOut, false, 'its proj_out was replaced by Identity (no keys)');
    assert.deepEqual(new Set(Object.keys(params)), new Set(encoderParamSpecs(e, false).map((s) => s.name)));
    for (const [ti, k] of keys.entries()) {
      if (!k.startsWith('backbone.')) continue;
      const t = params[k.slice('backbone.'.length)];
      for (const i of [0, 1, t.data.length - 1]) {
        const want = Math.fround(ti + (i % 991) * 0.001);
        assert.ok(Math.abs(t.data[i] - want) < 1e-4, `${k}[${i}] = ${t.data[i]}, want ${want}`);
      }
    }
    assert.equal(note, "the encoder under 'backbone.'; 4 other keys left out (classifier.0.weight, classifier.0.bias, classifier.2.weight, classifier.2.bias)");
    // A full checkpoint says nothing of the kind.
    assert.equal(importCbramodCheckpoint(new Uint8Array(readFileSync(join(dir, 'small.pth'))), encoderWithLayers(2)).note, '');
    // The backbone of another depth is no encoder of this one: every key named as before.
    assert.throws(() => importCbramodCheckpoint(new Uint8Array(readFileSync(path)), encoderWithLayers(2)), isModelError(ModelErrorCode.KeysMismatch, /missing .* unknown \(backbone\./));
  });

  test('unknown, missing and mis-shaped keys: one error listing them all', () => {
    const path = join(dir, 'mismatched.pth');
    assert.throws(
      () => importCbramodCheckpoint(new Uint8Array(readFileSync(path)), encoderWithLayers(1)),
      (e: unknown) => {
        isModelError(ModelErrorCode.KeysMismatch)(e);
        const d = (e as ModelError).details;
        assert.ok(d.includes('missing: encoder.layers.0.norm2.bias'), d.join('\n'));
        assert.ok(d.includes('unknown: encoder.layers.0.extra.weight'), `the extra tensor is reported unknown: ${JSON.stringify(d)}`);
        assert.ok(d.some((x) => x.startsWith('shape: patch_embedding.spectral_proj.0.weight: file [200, 100], model [200, 101]')), `the spectral_proj shape mismatch is reported: ${JSON.stringify(d)}`);
        return true;
      },
    );
    // A 2-layer checkpoint against the 12-layer encoder: the ten missing layers are named.
    const small = join(dir, 'small.pth');
    assert.throws(() => importCbramodCheckpoint(new Uint8Array(readFileSync(small)), CBRAMOD_ENCODER), isModelError(ModelErrorCode.KeysMismatch, /160 missing \(encoder\.layers\.2\./));
  });

  test('the training CLI checks a checkpoint before a run starts: the shipped recipe takes a 12-layer one and is told what a 2-layer one lacks', { skip: !existsSync(SHARED_DATA) && 'needs ../shared/data' }, async () => {
    const store = new RunStore(join(dir, 'runs'));
    const eegCheckpoint = join(dir, 'full.pth');
    await checkJobInputs(defaultRecipe({ dataDir: SHARED_DATA, eegCheckpoint }), store, () => '--data');
    const small = join(dir, 'small.pth');
    await assert.rejects(checkJobInputs(defaultRecipe({ dataDir: SHARED_DATA, eegCheckpoint: small }), store, () => '--data'), /--eeg-checkpoint: .*small\.pth: checkpoint does not match the CBraMod encoder \(12 layers\): 160 missing .*; the checkpoint has 2 layers and the encoder 12: give --layers 2$/);
    // --layers sizes the imported EEG encoder too (the check and the run read it at 12 whatever --layers said).
    await checkJobInputs(defaultRecipe({ dataDir: SHARED_DATA, eegCheckpoint: small, layers: 2 }), store, () => '--data');
    await assert.rejects(checkJobInputs(defaultRecipe({ dataDir: SHARED_DATA, eegCheckpoint, layers: 2 }), store, () => '--data'), /\(2 layers\): 160 unknown .*; the checkpoint has 12 layers and the encoder 2: give --layers 12$/);
  });

  test('files that are not a state_dict get a clear error', () => {
    const p1 = join(dir, 'not-state-dict.pth');
    assert.throws(() => parsePthStateDict(new Uint8Array(readFileSync(p1))), isModelError(ModelErrorCode.NotStateDict, /entries that are not tensors: epoch, losses/));
    const p2 = join(dir, 'whole-module.pth');
    assert.throws(() => parsePthStateDict(new Uint8Array(readFileSync(p2))), isModelError(ModelErrorCode.NotStateDict, /save model\.state_dict\(\)/));
  });

  test('hostile and damaged checkpoints, one problem each: every one a ModelError naming it, nothing run, nothing huge built', () => {
    const read = (name: string) => new Uint8Array(readFileSync(join(dir, `${name}.pth`)));
    const mismatch = (name: string, details: string[], re: RegExp) =>
      assert.throws(() => importCbramodCheckpoint(read(name), encoderWithLayers(1)), (e: unknown) => {
        isModelError(ModelErrorCode.KeysMismatch, re)(e);
        assert.deepEqual((e as ModelError).details, details, name);
        return true;
      });
    mismatch('extra-key', ['unknown: encoder.layers.0.extra.weight'], /^checkpoint does not match the CBraMod encoder \(1 layer\): 1 unknown \(encoder\.layers\.0\.extra\.weight\)$/);
    mismatch('missing-key', ['missing: encoder.layers.0.norm2.bias'], /: 1 missing \(encoder\.layers\.0\.norm2\.bias\)$/);
    mismatch('misshaped', ['shape: patch_embedding.spectral_proj.0.weight: file [200, 100], model [200, 101]'], /: 1 with the wrong shape \(patch_embedding\.spectral_proj\.0\.weight: file \[200, 100\], model \[200, 101\]\)$/);
    // Stride-0 views claiming 2^33 and 2^34 elements over one stored value: named by their keys and
    // shapes; reading them first threw a RangeError ("Invalid typed array length"), or with fewer
    // elements allocated gigabytes.
    const t0 = Date.now();
    mismatch('huge-views', ['unknown: encoder.layers.0.extra.weight', 'shape: patch_embedding.spectral_proj.0.weight: file [1048576, 16384], model [200, 101]'], /1 unknown .* 1 with the wrong shape/);
    assert.ok(Date.now() - t0 < 5000, `the huge views were not read (${Date.now() - t0} ms)`);
    // Pickles that run a command when torch.load(weights_only=False) or pickle.load reads them (the
    // fixture script checks nothing; torch.load of os-system.pth does touch the marker): here each is
    // refused with the call it makes, and the marker is never written.
    for (const [name, call] of [['os-system', 'posix.system'], ['builtins-eval', '__builtin__.eval']]) {
      assert.throws(() => importCbramodCheckpoint(read(name), encoderWithLayers(1)), isModelError(ModelErrorCode.NotStateDict, new RegExp(`^not a state dict, and unsafe: the checkpoint's pickle calls ${call.replace('.', '\\.')}, .*nothing was run here`)));
      assert.equal(existsSync(join(dir, `${name}.pth.ran`)), false, `${name}: the command was not run`);
    }
    // A download cut short (the zip's directory is at its end): said so, with what to do.
    const full = readFileSync(join(dir, 'full.pth'));
    for (const keep of [0.5, 0.999]) {
      assert.throws(() => importCbramodCheckpoint(new Uint8Array(full.subarray(0, Math.floor(full.length * keep))), CBRAMOD_ENCODER), isModelError(ModelErrorCode.NotPytorch, /zip archive is cut short or damaged .*copy or download it again$/));
    }
  });
});

describe('garbage in', () => {
  test('bytes that are not a zip, a damaged zip, a zip without data.pkl', () => {
    assert.throws(() => parsePthStateDict(new TextEncoder().encode('hello, not a checkpoint')), isModelError(ModelErrorCode.NotPytorch, /zip archive/));
    assert.throws(() => parsePthStateDict(new Uint8Array([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e])), isModelError(ModelErrorCode.NotPytorch, /legacy/));
    const truncated = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.throws(() => parsePthStateDict(truncated), isModelError(ModelErrorCode.NotPytorch));
  });

  test('an archive that declares more than 1 GB unpacked is refused before anything is unpacked (a zip bomb), said in one kind of unit', () => {
    const zip = zipSync({ 'archive/data.pkl': new Uint8Array([0x80, 0x02, 0x7d, 0x2e]), 'archive/data/0': new Uint8Array(64) }, { level: 0 });
    // The central directory's record of data/0 (signature PK\x01\x02): its uncompressed size (offset 24) set to 3 GiB.
    const dv = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    let patched = 0;
    for (let i = 0; i + 46 < zip.length; i++) {
      if (dv.getUint32(i, true) !== 0x02014b50) continue;
      const nameLen = dv.getUint16(i + 28, true);
      if (new TextDecoder().decode(zip.subarray(i + 46, i + 46 + nameLen)) === 'archive/data/0') {
        dv.setUint32(i + 24, 3 * 2 ** 30, true);
        patched++;
      }
    }
    assert.equal(patched, 1, 'the fixture patched its central directory');
    assert.throws(() => parsePthStateDict(zip), isModelError(ModelErrorCode.NotPytorch, /unpacks to more than 1\.0 GB \(at 'archive\/data\/0'\); an encoder checkpoint is tens of MB$/));
  });

});
