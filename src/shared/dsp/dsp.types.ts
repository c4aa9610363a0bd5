// Types shared by the DSP building blocks (filters, resampler, spectra, R-peaks).

/**
 * A cascade of second-order sections, scipy's `sos` layout: row i is [b0, b1, b2, a0, a1, a2] at
 * offset 6·i, with a0 = 1. Float64 so that narrow low-frequency sections (0.3 Hz at 200 Hz) keep
 * their poles where the design put them.
 */
export interface Sos {
  readonly sections: number;
  readonly coefficients: Float64Array;
}

export type BandType = 'lowpass' | 'highpass' | 'bandpass' | 'bandstop';

/** A one-sided power spectral density: frequencies (Hz) and power per Hz (signal unit² / Hz). */
export interface Psd {
  freqHz: Float64Array;
  psd: Float64Array;
}

/**
 * What a Resampler holds that decides its future output (for pipeline snapshots): the segment's
 * sample count, the floor (the lowest index any future output reads; below it reads repeat it) and
 * the samples from the floor on, planar (channel c at c·(count − floor)).
 */
export interface ResamplerState {
  count: number;
  floor: number;
  samples: Float64Array;
}
