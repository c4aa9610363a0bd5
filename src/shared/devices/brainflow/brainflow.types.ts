// BrainFlow's C API as data: enums numbered exactly as in brainflow_constants.h (brainflow-dev/
// brainflow@9097190c), the input-params JSON and the board description. Pure; the koffi facade
// lives in src/main/devices/brainflow/.
import { DeviceError } from '../device-error';

export enum BrainFlowExitCode {
  STATUS_OK = 0,
  PORT_ALREADY_OPEN_ERROR = 1,
  UNABLE_TO_OPEN_PORT_ERROR = 2,
  SET_PORT_ERROR = 3,
  BOARD_WRITE_ERROR = 4,
  INCOMMING_MSG_ERROR = 5,
  INITIAL_MSG_ERROR = 6,
  BOARD_NOT_READY_ERROR = 7,
  STREAM_ALREADY_RUN_ERROR = 8,
  INVALID_BUFFER_SIZE_ERROR = 9,
  STREAM_THREAD_ERROR = 10,
  STREAM_THREAD_IS_NOT_RUNNING = 11,
  EMPTY_BUFFER_ERROR = 12,
  INVALID_ARGUMENTS_ERROR = 13,
  UNSUPPORTED_BOARD_ERROR = 14,
  BOARD_NOT_CREATED_ERROR = 15,
  ANOTHER_BOARD_IS_CREATED_ERROR = 16,
  GENERAL_ERROR = 17,
  SYNC_TIMEOUT_ERROR = 18,
  JSON_NOT_FOUND_ERROR = 19,
  NO_SUCH_DATA_IN_JSON_ERROR = 20,
  CLASSIFIER_IS_NOT_PREPARED_ERROR = 21,
  ANOTHER_CLASSIFIER_IS_PREPARED_ERROR = 22,
  UNSUPPORTED_CLASSIFIER_AND_METRIC_COMBINATION_ERROR = 23,
}

export enum BoardIds {
  NO_BOARD = -100,
  PLAYBACK_FILE_BOARD = -3,
  STREAMING_BOARD = -2,
  SYNTHETIC_BOARD = -1,
  CYTON_BOARD = 0,
  GANGLION_BOARD = 1,
  CYTON_DAISY_BOARD = 2,
  GALEA_BOARD = 3,
  GANGLION_WIFI_BOARD = 4,
  CYTON_WIFI_BOARD = 5,
  CYTON_DAISY_WIFI_BOARD = 6,
  BRAINBIT_BOARD = 7,
  UNICORN_BOARD = 8,
  CALLIBRI_EEG_BOARD = 9,
  CALLIBRI_EMG_BOARD = 10,
  CALLIBRI_ECG_BOARD = 11,
  NOTION_1_BOARD = 13,
  NOTION_2_BOARD = 14,
  GFORCE_PRO_BOARD = 16,
  FREEEEG32_BOARD = 17,
  BRAINBIT_BLED_BOARD = 18,
  GFORCE_DUAL_BOARD = 19,
  MUSE_S_BLED_BOARD = 21,
  MUSE_2_BLED_BOARD = 22,
  CROWN_BOARD = 23,
  ANT_NEURO_EE_410_BOARD = 24,
  ANT_NEURO_EE_411_BOARD = 25,
  ANT_NEURO_EE_430_BOARD = 26,
  ANT_NEURO_EE_211_BOARD = 27,
  ANT_NEURO_EE_212_BOARD = 28,
  ANT_NEURO_EE_213_BOARD = 29,
  ANT_NEURO_EE_214_BOARD = 30,
  ANT_NEURO_EE_215_BOARD = 31,
  ANT_NEURO_EE_221_BOARD = 32,
  ANT_NEURO_EE_222_BOARD = 33,
  ANT_NEURO_EE_223_BOARD = 34,
  ANT_NEURO_EE_224_BOARD = 35,
  ANT_NEURO_EE_225_BOARD = 36,
  ENOPHONE_BOARD = 37,
  MUSE_2_BOARD = 38,
  MUSE_S_BOARD = 39,
  BRAINALIVE_BOARD = 40,
  MUSE_2016_BOARD = 41,
  MUSE_2016_BLED_BOARD = 42,
  EXPLORE_4_CHAN_BOARD = 44,
  EXPLORE_8_CHAN_BOARD = 45,
  GANGLION_NATIVE_BOARD = 46,
  EMOTIBIT_BOARD = 47,
  NTL_WIFI_BOARD = 50,
  ANT_NEURO_EE_511_BOARD = 51,
  FREEEEG128_BOARD = 52,
  AAVAA_V3_BOARD = 53,
  EXPLORE_PLUS_8_CHAN_BOARD = 54,
  EXPLORE_PLUS_32_CHAN_BOARD = 55,
  PIEEG_BOARD = 56,
  NEUROPAWN_KNIGHT_BOARD = 57,
  SYNCHRONI_TRIO_3_CHANNELS_BOARD = 58,
  SYNCHRONI_OCTO_8_CHANNELS_BOARD = 59,
  OB5000_8_CHANNELS_BOARD = 60,
  SYNCHRONI_NEO_8_CHANNELS_BOARD = 61,
  SYNCHRONI_UNO_1_CHANNELS_BOARD = 62,
  OB3000_24_CHANNELS_BOARD = 63,
  BIOLISTENER_BOARD = 64,
  IRONBCI_32_BOARD = 65,
  NEUROPAWN_KNIGHT_BOARD_IMU = 66,
  MUSE_S_ATHENA_BOARD = 67,
  SHIMMER3_BOARD = 68,
}

export enum BrainFlowPreset {
  DEFAULT_PRESET = 0,
  AUXILIARY_PRESET = 1,
  ANCILLARY_PRESET = 2,
}

export enum BrainFlowLogLevel {
  LEVEL_TRACE = 0,
  LEVEL_DEBUG = 1,
  LEVEL_INFO = 2,
  LEVEL_WARN = 3,
  LEVEL_ERROR = 4,
  LEVEL_CRITICAL = 5,
  LEVEL_OFF = 6,
}

export enum IpProtocolType {
  NO_IP_PROTOCOL = 0,
  UDP = 1,
  TCP = 2,
}

/** BrainFlow's ring buffer size when the caller gives none (board_shim default). */
export const BRAINFLOW_DEFAULT_BUFFER_SIZE = 450_000;

/** BrainFlowInputParams in snake_case, as BrainFlow's bindings serialise it. */
export interface BrainFlowInputParams {
  serial_port: string;
  mac_address: string;
  ip_address: string;
  ip_address_aux: string;
  ip_address_anc: string;
  ip_port: number;
  ip_port_aux: number;
  ip_port_anc: number;
  ip_protocol: IpProtocolType;
  other_info: string;
  timeout: number;
  serial_number: string;
  file: string;
  file_aux: string;
  file_anc: string;
  master_board: number;
}

export const DEFAULT_BRAINFLOW_PARAMS: Readonly<BrainFlowInputParams> = Object.freeze({
  serial_port: '',
  mac_address: '',
  ip_address: '',
  ip_address_aux: '',
  ip_address_anc: '',
  ip_port: 0,
  ip_port_aux: 0,
  ip_port_anc: 0,
  ip_protocol: IpProtocolType.NO_IP_PROTOCOL,
  other_info: '',
  timeout: 0,
  serial_number: '',
  file: '',
  file_aux: '',
  file_anc: '',
  master_board: BoardIds.NO_BOARD,
});

/**
 * The params JSON with every key present: BrainFlow reads each key unconditionally and a missing
 * one fails with INVALID_ARGUMENTS_ERROR / a JSON type error (see ../shared/brainflow/README.md).
 * Keys are written in a fixed order so the same params give the same string in every call.
 */
export function brainflowParamsJson(params: Partial<BrainFlowInputParams> = {}): string {
  const full: BrainFlowInputParams = { ...DEFAULT_BRAINFLOW_PARAMS };
  for (const k of Object.keys(DEFAULT_BRAINFLOW_PARAMS) as (keyof BrainFlowInputParams)[]) {
    const v = params[k];
    if (v === undefined || v === null) continue;
    if (typeof DEFAULT_BRAINFLOW_PARAMS[k] !== typeof v) throw new DeviceError('invalid-config', `BrainFlow param ${k} must be a ${typeof DEFAULT_BRAINFLOW_PARAMS[k]}`);
    (full as unknown as Record<string, unknown>)[k] = v;
  }
  return JSON.stringify(full);
}

/** A preset's description as get_board_descr returns it (row indices into the data array). */
export interface BoardDescription {
  name: string;
  num_rows: number;
  sampling_rate: number;
  package_num_channel?: number;
  timestamp_channel?: number;
  marker_channel?: number;
  battery_channel?: number;
  eeg_channels?: number[];
  eeg_names?: string;
  ecg_channels?: number[];
  emg_channels?: number[];
  eog_channels?: number[];
  exg_channels?: number[];
  ppg_channels?: number[];
  eda_channels?: number[];
  accel_channels?: number[];
  gyro_channels?: number[];
  other_channels?: number[];
  temperature_channels?: number[];
  resistance_channels?: number[];
  optical_channels?: number[];
  analog_channels?: number[];
}

export function brainflowExitCodeName(code: number): string {
  return BrainFlowExitCode[code] ?? `UNKNOWN_EXIT_CODE_${code}`;
}


/** Plain-words hints for the exit codes users meet most, added to error messages. */
const HINTS: Partial<Record<BrainFlowExitCode, string>> = {
  [BrainFlowExitCode.UNABLE_TO_OPEN_PORT_ERROR]: 'the serial port could not be opened (wrong path, in use, or no permission)',
  [BrainFlowExitCode.BOARD_NOT_READY_ERROR]: 'the board did not answer (is it switched on and in range?)',
  [BrainFlowExitCode.INVALID_ARGUMENTS_ERROR]: 'BrainFlow rejected the parameters (a missing file, port or address?)',
  [BrainFlowExitCode.UNSUPPORTED_BOARD_ERROR]: 'this BrainFlow build does not know that board id',
  [BrainFlowExitCode.BOARD_NOT_CREATED_ERROR]: 'no session is prepared for this board',
  [BrainFlowExitCode.ANOTHER_BOARD_IS_CREATED_ERROR]: 'a session with the same board and parameters already exists',
  [BrainFlowExitCode.SYNC_TIMEOUT_ERROR]: 'the board did not answer in time',
  [BrainFlowExitCode.STREAM_ALREADY_RUN_ERROR]: 'the stream is already running',
};

/**
 * A failed BrainFlow call: carries the exit code (mirrors BrainFlow's own BrainFlowError) and is a
 * DeviceError, so the source boundary needs no second class.
 */
/** Exit codes that trying again cannot fix: the call itself is wrong. */
const NOT_RETRYABLE = new Set<number>([
  BrainFlowExitCode.INVALID_ARGUMENTS_ERROR,
  BrainFlowExitCode.UNSUPPORTED_BOARD_ERROR,
  BrainFlowExitCode.JSON_NOT_FOUND_ERROR,
  BrainFlowExitCode.NO_SUCH_DATA_IN_JSON_ERROR,
  BrainFlowExitCode.INVALID_BUFFER_SIZE_ERROR,
]);

/**
 * A failed BrainFlow call: carries the exit code (mirrors BrainFlow's own BrainFlowError) and is a
 * DeviceError, so the source boundary needs no second class.
 */
export class BrainFlowError extends DeviceError {
  override readonly name = 'BrainFlowError';
  readonly exitCodeName: string;
  constructor(
    readonly exitCode: number,
    action: string,
    detail?: string,
  ) {
    const name = brainflowExitCodeName(exitCode);
    const hint = HINTS[exitCode as BrainFlowExitCode];
    const unavailable = exitCode === BrainFlowExitCode.UNABLE_TO_OPEN_PORT_ERROR || exitCode === BrainFlowExitCode.BOARD_NOT_READY_ERROR || exitCode === BrainFlowExitCode.SYNC_TIMEOUT_ERROR;
    super(
      unavailable ? 'unavailable' : 'device-error',
      `${action}: ${name} (${exitCode})${hint ? ` — ${hint}` : ''}${detail ? `; BrainFlow says: ${detail}` : ''}`,
      !NOT_RETRYABLE.has(exitCode),
    );
    this.exitCodeName = name;
  }
}
