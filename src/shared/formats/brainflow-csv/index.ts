// BrainFlow files (DataFilter.write_file / the file:// streamer) and the board table they need.
export { BRAINFLOW_BOARDS, BRAINFLOW_PRESET_NAMES, brainflowBoardDescription, brainflowBoardNames, brainflowBoardOptions, type BrainFlowPresetName } from './brainflow-boards';
export { parseBrainFlowCsv, type BrainFlowCsvOptions } from './brainflow-csv';
