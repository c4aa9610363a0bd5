// A model or checkpoint that a download got wrong is said to be what it is (a Git LFS pointer, a web
// page, nothing), by the ONNX check and the .pth reader alike; they said "the protobuf does not decode
// (invalid wire type 6 at offset 1)" and "a .pth file is a zip archive holding data.pkl".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wrongFileKind } from '../../../src/shared/model/wrong-file';
import { readOnnxSignature } from '../../../src/shared/onnx/signature';
import { parsePthStateDict } from '../../../src/main/model/pth-import';
import { defaultFusedConfig, TASK_MENTAL_ARITHMETIC } from '../../../src/shared/model/config';
import { initHostParams } from '../../../src/shared/model/params';
import { exportFusedOnnx } from '../../../src/shared/onnx/export';

const text = (s: string) => new TextEncoder().encode(s);
// As `git clone` without git-lfs leaves pretrained_weights.pth or model.onnx.
const LFS = text('version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 20184753\n');
const HTML = text('\uFEFF\n  <!DOCTYPE html>\n<html lang="en"><head><title>pretrained_weights.pth · Hugging Face</title></head></html>');

test('a Git LFS pointer, a web page and an empty file are named; anything else is not guessed at', () => {
  assert.match(wrongFileKind(LFS)!, /^it is a Git LFS pointer \(\d+ bytes of text\), not the file: .*git lfs pull/);
  assert.match(wrongFileKind(HTML)!, /^it is a web page \(HTML\), not the file: .*'resolve' link/);
  assert.match(wrongFileKind(text('<html><body>Not found</body></html>'))!, /web page/);
  assert.equal(wrongFileKind(new Uint8Array(0)), 'the file is empty (0 bytes)');
  assert.equal(wrongFileKind(text('hello, not a checkpoint')), null);
  assert.equal(wrongFileKind(text('<?xml version="1.0"?><svg/>')), null, 'not every < is a web page');
  const config = defaultFusedConfig([TASK_MENTAL_ARITHMETIC], { nLayers: 1 });
  assert.equal(wrongFileKind(exportFusedOnnx(config, initHostParams(config, 1))), null, 'a real ONNX model is none of them');
});

test('the ONNX check and the .pth reader say it', () => {
  assert.throws(() => readOnnxSignature(LFS), { message: `not an ONNX model: ${wrongFileKind(LFS)}` });
  assert.throws(() => readOnnxSignature(HTML), { message: `not an ONNX model: ${wrongFileKind(HTML)}` });
  assert.throws(() => readOnnxSignature(new Uint8Array(0)), { message: 'not an ONNX model: the file is empty (0 bytes)' });
  assert.throws(() => parsePthStateDict(LFS), { message: `not a PyTorch checkpoint: ${wrongFileKind(LFS)}` });
  assert.throws(() => parsePthStateDict(HTML), { message: `not a PyTorch checkpoint: ${wrongFileKind(HTML)}` });
  assert.throws(() => parsePthStateDict(new Uint8Array(0)), { message: 'not a PyTorch checkpoint: the file is empty (0 bytes)' });
  assert.throws(() => parsePthStateDict(text('hello')), { message: 'not a PyTorch checkpoint: a .pth file is a zip archive holding data.pkl' });
});
