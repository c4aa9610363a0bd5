// EDF/BDF data records: samples of one signal (scaled straight into a caller's typed array, no
// per-sample allocation) and EDF+ annotation signals (TALs: time-stamped annotation lists).
import { failFor, FormatError, type Fail } from '../format-error';
import { decodeLatin1, decodeText, parseDecimal } from '../text';
import type { EdfAnnotation, EdfFile, EdfHeader, EdfSignalData } from './edf.types';
import { needsFloat64, parseEdfHeader } from './edf-header';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Writes signal `index` of records [recFrom, recTo) into `dst` from `dstOffset`, as
 * digital × gain + offset. Pass gain 1, offset 0 for the file's integers.
 */
export function decodeEdfSamples(
  header: EdfHeader,
  bytes: Uint8Array,
  index: number,
  recFrom: number,
  recTo: number,
  dst: Float32Array | Float64Array | Int32Array,
  dstOffset: number,
  gain: number,
  offset: number,
): void {
  const n = header.signals[index].samplesPerRecord;
  const rb = header.recordBytes;
  const first = header.headerBytes + header.signalOffsets[index];
  let o = dstOffset;
  if (header.bytesPerSample === 2) {
    const abs = bytes.byteOffset + header.headerBytes;
    if (LITTLE_ENDIAN && abs % 2 === 0) {
      // Aligned: read int16 straight from the buffer.
      const view = new Int16Array(bytes.buffer, abs, (header.recordCount * rb) / 2);
      const stride = rb / 2;
      for (let r = recFrom; r < recTo; r++) {
        const s0 = r * stride + header.signalOffsets[index] / 2;
        for (let j = 0; j < n; j++) dst[o++] = view[s0 + j] * gain + offset;
      }
    } else {
      for (let r = recFrom; r < recTo; r++) {
        let p = first + r * rb;
        for (let j = 0; j < n; j++, p += 2) dst[o++] = (((bytes[p] | (bytes[p + 1] << 8)) << 16) >> 16) * gain + offset;
      }
    }
  } else {
    for (let r = recFrom; r < recTo; r++) {
      let p = first + r * rb;
      for (let j = 0; j < n; j++, p += 3) dst[o++] = (((bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16)) << 8) >> 8) * gain + offset;
    }
  }
}

/** A TAL list failed to parse: which record, which byte. */
function talError(fail: Fail, record: number, at: number, what: string): never {
  return fail('bad-data', `EDF+ annotations in data record ${record + 1} (byte ${at}): ${what}`);
}

/** Damaged TAL lists named one by one in the warnings; the rest are counted in one line. */
const TAL_DAMAGE_NAMED = 5;

/**
 * Reads every annotation signal. Returns the annotations (timekeeping TALs removed) and the start
 * of each record: from the timekeeping TALs for EDF+D, first start + k × duration otherwise.
 * A damaged TAL list costs the annotations after the damage in that record's signal, with a
 * warning, not the file (MNE-Python skips what it cannot read, too); only an EDF+D record whose
 * time-keeping TAL is damaged is refused, since its samples' times are then unknown.
 */
export function parseEdfAnnotations(header: EdfHeader, bytes: Uint8Array, fileName: string): { annotations: EdfAnnotation[]; recordStarts: Float64Array; warnings: string[] } {
  const fail: Fail = failFor(fileName);
  const annIdx = header.signals.map((s, i) => (s.isAnnotation ? i : -1)).filter((i) => i >= 0);
  const annotations: EdfAnnotation[] = [];
  const starts = new Float64Array(header.recordCount);
  const hasKeeping = new Uint8Array(header.recordCount);
  const texts: string[] = [];
  const warnings: string[] = [];
  let damaged = 0;
  // Records whose time-keeping TAL (the first of each record, EDF+) cannot be read, and the first
  // such problem: in most records, the records do not line up with the header (see below).
  let keepingDamaged = 0;
  let firstKeepingProblem = '';

  for (let r = 0; r < header.recordCount; r++) {
    for (let a = 0; a < annIdx.length; a++) {
      const before = annotations.length;
      try {
        readTalList(r, a);
      } catch (e) {
        if (!(e instanceof FormatError) || (header.plus === 'D' && a === 0 && !hasKeeping[r])) throw e;
        if (a === 0 && !hasKeeping[r] && keepingDamaged++ === 0) firstKeepingProblem = e.detail;
        if (damaged++ < TAL_DAMAGE_NAMED) {
          const kept = annotations.length - before;
          warnings.push(`${e.detail}; the rest of that record's annotations are skipped${kept > 0 ? ` (${kept} read before the damage kept)` : ''}`);
        }
      }
    }
  }
  if (header.plus !== null && keepingDamaged > header.recordCount / 2) {
    // A damaged samples-per-record or signal-count field shifts every record after the first, so
    // the annotation signal is read from the middle of other signals' samples: that is a corrupt
    // header, not damaged annotations, and the samples would be garbage too.
    fail(
      'bad-header',
      `the data records do not line up with the header: the time-keeping annotation every EDF+ record starts with cannot be read in ${keepingDamaged} of ${header.recordCount} records (first: ${firstKeepingProblem}); is a samples-per-record or signal-count field damaged?`,
    );
  }
  if (damaged > TAL_DAMAGE_NAMED) warnings.push(`EDF+ annotations damaged in ${damaged - TAL_DAMAGE_NAMED} more data records; each record's annotations after the damage are skipped`);

  function readTalList(r: number, a: number): void {
    const idx = annIdx[a];
    let p = header.headerBytes + r * header.recordBytes + header.signalOffsets[idx];
    const end = p + header.signals[idx].samplesPerRecord * header.bytesPerSample;
    let firstTal = a === 0;
    while (p < end) {
      if (bytes[p] === 0) {
        p++; // padding after the last TAL
        continue;
      }
      const c = bytes[p];
      if (c !== 0x2b && c !== 0x2d) talError(fail, r, p, 'a TAL must start with + or -');
      // onset
      let q = p + 1;
      while (q < end && bytes[q] !== 0x14 && bytes[q] !== 0x15 && bytes[q] !== 0) q++;
      const onset = parseDecimal(decodeLatin1(bytes, p, q));
      if (onset === null) talError(fail, r, p, `bad onset "${decodeLatin1(bytes, p, Math.min(q, p + 20)).replace(/[^\x20-\x7e]/g, '?')}"`);
      let duration = 0;
      if (q < end && bytes[q] === 0x15) {
        const d0 = q + 1;
        q = d0;
        while (q < end && bytes[q] !== 0x14 && bytes[q] !== 0) q++;
        const d = parseDecimal(decodeLatin1(bytes, d0, q));
        if (d === null || d < 0) talError(fail, r, d0, 'bad duration');
        duration = d;
      }
      if (q >= end || bytes[q] !== 0x14) talError(fail, r, q, 'onset not followed by 0x14');
      q++;
      texts.length = 0;
      // texts, each ended by 0x14; the TAL ends with 0x00
      while (q < end && bytes[q] !== 0) {
        const t0 = q;
        while (q < end && bytes[q] !== 0x14 && bytes[q] !== 0) q++;
        if (q >= end || bytes[q] !== 0x14) talError(fail, r, t0, 'annotation text not ended by 0x14');
        // EDF+ says UTF-8; older writers put Latin-1 / Windows-1252 ('geöffnet' as one byte 0xf6),
        // which read as 'ge\uFFFDffnet': such a text is read as Windows-1252.
        texts.push(decodeText(bytes, t0, q).text);
        q++;
      }
      if (q >= end) talError(fail, r, p, 'TAL not ended by 0x00');
      p = q + 1;
      if (firstTal) {
        // Timekeeping TAL: its first text is empty; its onset is the record's start.
        firstTal = false;
        if (texts.length > 0 && texts[0] === '') {
          starts[r] = onset;
          hasKeeping[r] = 1;
          texts.shift();
        }
      }
      for (const text of texts) if (text !== '') annotations.push({ onset, duration, text });
    }
  }

  const dur = header.recordDurationS;
  if (header.plus === 'D') {
    for (let r = 0; r < header.recordCount; r++) {
      if (!hasKeeping[r]) fail('bad-data', `EDF+D data record ${r + 1} has no time-keeping annotation (its start time is unknown)`);
      if (r > 0 && starts[r] < starts[r - 1] + dur - 1e-9) {
        fail('bad-data', `EDF+D data record ${r + 1} starts at ${starts[r]} s, before record ${r} ends (${starts[r - 1] + dur} s)`);
      }
    }
  } else {
    // Continuous: the first record may start at a sub-second offset; the rest follow it.
    const first = header.recordCount > 0 && hasKeeping[0] ? starts[0] : 0;
    for (let r = 0; r < header.recordCount; r++) starts[r] = first + r * dur;
  }
  return { annotations, recordStarts: starts, warnings };
}

/**
 * Whole-file read: header, every data signal in physical units (and, with `digital`, the
 * integers), annotations and record starts.
 */
export function parseEdf(bytes: Uint8Array, fileName: string, opts: { digital?: boolean } = {}): EdfFile {
  const header = parseEdfHeader(bytes, fileName);
  const signals: EdfSignalData[] = [];
  header.signals.forEach((h, i) => {
    if (h.isAnnotation) return;
    const len = h.samplesPerRecord * header.recordCount;
    const physical = needsFloat64(header, i) ? new Float64Array(len) : new Float32Array(len);
    decodeEdfSamples(header, bytes, i, 0, header.recordCount, physical, 0, h.gain, h.offset);
    const sig: EdfSignalData = { header: h, physical };
    if (opts.digital) {
      sig.digital = new Int32Array(len);
      decodeEdfSamples(header, bytes, i, 0, header.recordCount, sig.digital, 0, 1, 0);
    }
    signals.push(sig);
  });
  const { annotations, recordStarts, warnings } = parseEdfAnnotations(header, bytes, fileName);
  header.warnings.push(...warnings);
  return { header, signals, annotations, recordStarts };
}
