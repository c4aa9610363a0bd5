// Single-character commands of the Cyton firmware (OpenBCI docs; BrainFlow openbci_serial_board.cpp).
export const CYTON_CMD = {
  /** Soft reset; the board answers with text ending in `$$$`. */
  softReset: 'v',
  startStreaming: 'b',
  stopStreaming: 's',
  /** Default channel settings (BrainFlow sends it in prepare). */
  defaultSettings: 'd',
  /** Use 8 channels only (detach the Daisy's channels). */
  fixedChannels8: 'c',
  /** Use 16 channels (Daisy attached). */
  fixedChannels16: 'C',
} as const;

/** How long the board takes, at most, to answer a soft reset (ms). */
export const CYTON_RESET_TIMEOUT_MS = 3_000;
