// A generic line-based text device: Arduino/ESP32 sketches and lab amplifiers with a text mode
// print one sample per line, numbers separated by commas, tabs, semicolons or spaces.
import type { Modality } from '../../stream.types';

export type TextSeparator = 'auto' | ',' | '\t' | ';' | ' ';

export interface SerialTextConfig {
  /** Channel labels; their number is the number of value columns expected. */
  channels: string[];
  /** Nominal samples per second the device prints. */
  rateHz: number;
  /** Unit of the printed values: 'uV', 'mV' or 'V' for EEG/ECG (converted to µV); anything for 'other'. */
  unit: string;
  modality: Modality;
  /** Multiplies each value before unit conversion (e.g. an ADC's volts per count). Default 1. */
  scale?: number;
  separator?: TextSeparator;
  /** Zero-based column holding the device's own timestamp; absent: times come from the line count. */
  timeColumn?: number;
  /** Seconds per unit of the time column (0.001 for milliseconds). Default 1. */
  timeUnitS?: number;
}

export interface TextRun {
  /** Device time of the first sample, s (from the time column or the line count). */
  deviceTime: number;
  /** Samples lost just before this run (malformed lines after data began). */
  missingBefore: number;
  count: number;
  /** Planar values in the stream's unit, channels × count. */
  data: Float32Array;
}

export interface TextDecodeStats {
  lines: number;
  samples: number;
  /** Lines before the first valid sample that did not parse (a header, a boot banner). */
  headerLines: number;
  /** Of those, lines of numbers with the wrong column count (the configuration does not fit the device). */
  mismatchedLines: number;
  /** Malformed lines after data began (counted as lost samples). */
  badLines: number;
  /** Lines longer than the limit, dropped. */
  overlongLines: number;
  /**
   * Bytes before the first sample in lines that are not text (mostly control or non-ASCII bytes):
   * what a wrong baud rate, or a binary device on a text setting, reads as.
   */
  notTextBytes: number;
}
