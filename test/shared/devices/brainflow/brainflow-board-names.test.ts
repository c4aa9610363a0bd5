// BrainFlow boards are shown by readable names from their board id, never by enum keys.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { brainflowBoardName, brainflowDeviceName } from '../../../../src/shared/devices/brainflow/brainflow-board-names';
import { BoardIds } from '../../../../src/shared/devices/brainflow/brainflow.types';

describe('BrainFlow board names', () => {
  test('common boards by their makers\' names', () => {
    assert.equal(brainflowBoardName(BoardIds.SYNTHETIC_BOARD), 'Synthetic board');
    assert.equal(brainflowBoardName(BoardIds.PLAYBACK_FILE_BOARD), 'Playback file');
    assert.equal(brainflowBoardName(BoardIds.CYTON_DAISY_BOARD), 'OpenBCI Cyton + Daisy');
    assert.equal(brainflowBoardName(BoardIds.MUSE_S_BOARD), 'Muse S');
  });
  test('every other listed board gets words from its enum key, with no underscores or "BOARD"', () => {
    assert.equal(brainflowBoardName(BoardIds.ANT_NEURO_EE_410_BOARD), 'ANT Neuro EE 410');
    assert.equal(brainflowBoardName(BoardIds.EXPLORE_PLUS_8_CHAN_BOARD), 'Explore Plus 8 Chan');
    assert.equal(brainflowBoardName(BoardIds.NEUROPAWN_KNIGHT_BOARD_IMU), 'Neuropawn Knight IMU');
    for (const [key, id] of Object.entries(BoardIds)) {
      if (typeof id !== 'number') continue;
      const name = brainflowBoardName(id);
      assert.ok(!/_|BOARD/.test(name), `${key} → ${name}`);
    }
    assert.equal(brainflowBoardName(999), 'board 999');
  });
  test('device names: the board, and where it is; a playback file by its file name alone', () => {
    assert.equal(brainflowDeviceName(BoardIds.SYNTHETIC_BOARD), 'BrainFlow Synthetic board');
    assert.equal(brainflowDeviceName(BoardIds.CYTON_BOARD, '/dev/ttyUSB0'), 'BrainFlow OpenBCI Cyton (/dev/ttyUSB0)');
    assert.equal(brainflowDeviceName(BoardIds.PLAYBACK_FILE_BOARD, '/home/lab/runs/session 3.csv'), 'BrainFlow playback file (session 3.csv)');
    assert.equal(brainflowDeviceName(BoardIds.PLAYBACK_FILE_BOARD, 'C:\\data\\s1.csv'), 'BrainFlow playback file (s1.csv)');
  });
});
