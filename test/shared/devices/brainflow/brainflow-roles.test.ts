// Stream roles from BrainFlow's own board descriptions, and the params JSON.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { brainflowRoles } from '../../../../src/shared/devices/brainflow/brainflow-roles';
import { BoardIds, BrainFlowError, BrainFlowExitCode, brainflowParamsJson, DEFAULT_BRAINFLOW_PARAMS } from '../../../../src/shared/devices/brainflow/brainflow.types';
import { DeviceError } from '../../../../src/shared/devices/device-error';
import { loadFrames, NEED_FRAMES } from '../../../fixtures/device-frames';

describe('brainflowRoles on brainflow_boards.cpp descriptions', { skip: NEED_FRAMES }, () => {
  const boards = NEED_FRAMES ? {} : loadFrames('brainflow-boards').boards;
  test('Synthetic: 16 EEG rows named by eeg_names; ECG rows overlap EEG so none by default', () => {
    const r = brainflowRoles(boards['-1'].default);
    assert.deepEqual(r.eeg?.rows, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    assert.deepEqual(r.eeg?.labels.slice(0, 3), ['Fz', 'C3', 'Cz']);
    assert.equal(r.ecg, null);
    assert.equal(r.timestampRow, 30);
    assert.equal(r.rateHz, 250);
    assert.equal(r.numRows, 32);
  });
  test('the user puts a chest electrode on row 8: ECG gets it, EEG loses it', () => {
    const r = brainflowRoles(boards['0'].default, { ecgRows: [8] });
    assert.deepEqual(r.ecg, { rows: [8], labels: ['ECG'] });
    assert.deepEqual(r.eeg?.labels, ['Fp1', 'Fp2', 'C3', 'C4', 'P7', 'P8', 'O1']);
  });
  test('Muse 2: TP9, AF7, AF8, TP10 at 256 Hz, timestamp row 6', () => {
    const r = brainflowRoles(boards['38'].default);
    assert.deepEqual(r.eeg?.labels, ['TP9', 'AF7', 'AF8', 'TP10']);
    assert.equal(r.rateHz, 256);
    assert.equal(r.timestampRow, 6);
  });
  test('Cyton Daisy: 16 channels at 125 Hz', () => {
    const r = brainflowRoles(boards['2'].default);
    assert.equal(r.eeg?.rows.length, 16);
    assert.equal(r.rateHz, 125);
  });
  test('rows outside the board are refused', () => {
    assert.throws(() => brainflowRoles(boards['0'].default, { ecgRows: [40] }), DeviceError);
  });
});

describe('params JSON and errors', () => {
  test('every key is present, in a fixed order, whatever the caller gives', () => {
    const j = JSON.parse(brainflowParamsJson({ file: '/x.csv', master_board: BoardIds.CYTON_BOARD }));
    assert.deepEqual(Object.keys(j), Object.keys(DEFAULT_BRAINFLOW_PARAMS));
    assert.equal(Object.keys(j).length, 16);
    assert.equal(j.file, '/x.csv');
    assert.equal(j.master_board, 0);
    assert.equal(j.ip_port, 0);
    assert.equal(JSON.parse(brainflowParamsJson()).master_board, -100);
  });
  test('wrong types are refused before BrainFlow sees them', () => {
    assert.throws(() => brainflowParamsJson({ ip_port: '80' as unknown as number }), /ip_port must be a number/);
  });
  test('BrainFlowError names the exit code and is a DeviceError', () => {
    const e = new BrainFlowError(BrainFlowExitCode.UNSUPPORTED_BOARD_ERROR, 'BrainFlow board 999: prepare_session');
    assert.ok(e instanceof DeviceError, `a DeviceError, got ${String(e)}`);
    assert.equal(e.exitCode, 14);
    assert.match(e.message, /UNSUPPORTED_BOARD_ERROR \(14\)/);
    assert.equal(new BrainFlowError(2, 'x').code, 'unavailable');
  });
});
