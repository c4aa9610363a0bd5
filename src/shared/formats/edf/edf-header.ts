// EDF/BDF header parser. Every field is checked against the bytes the file actually holds, so a
// lying header (more records, more signals than present) gives a FormatError, never a huge
// allocation or a read past the end.
import { failFor, quote, type Fail } from '../format-error';
import { decodeLatin1, decodeText, parseDecimal, parseInteger } from '../text';
import { EDF_ANNOTATION_LABELS, EDF_HEADER_BYTES, EDF_SIGNAL_HEADER_BYTES, type EdfHeader, type EdfSignalHeader } from './edf.types';

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/**
 * Printable text of a header field: trailing spaces trimmed, control bytes shown as '?'. EDF says
 * ASCII; writers put names and units in UTF-8 ('Jörg', 'µV') or Latin-1/Windows-1252: read as
 * UTF-8 where the field's bytes are valid UTF-8, else as Windows-1252 (decodeText), so neither
 * arrives as 'JÃ¶rg' or 'ÂµV'.
 */
function field(bytes: Uint8Array, start: number, width: number): string {
  let ascii = true;
  for (let i = start; i < start + width && ascii; i++) ascii = bytes[i] < 0x80;
  const text = ascii ? decodeLatin1(bytes, start, start + width) : decodeText(bytes, start, start + width).text;
  return text.replace(/[\x00-\x1f\x7f]/g, '?').trim();
}

/** 'dd-MMM-yyyy' → Date parts, or null. */
function parsePlusDate(s: string): { d: number; m: number; y: number } | null {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(s);
  if (!m) return null;
  const month = MONTHS.indexOf(m[2].toUpperCase());
  return month < 0 ? null : { d: Number(m[1]), m: month + 1, y: Number(m[3]) };
}

function unixSeconds(y: number, mo: number, d: number, h: number, mi: number, s: number): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  const date = new Date(Date.UTC(2000, mo - 1, d, h, mi, s));
  date.setUTCFullYear(y);
  if (date.getUTCDate() !== d) return null; // 31.02.
  return date.getTime() / 1000;
}

function parseSubfields<T extends string>(text: string, names: T[]): Partial<Record<T | 'extra', string>> {
  const parts = text.split(/\s+/).filter(Boolean);
  const out: Partial<Record<T | 'extra', string>> = {};
  names.forEach((n, i) => {
    const v = parts[i];
    if (v !== undefined && v !== 'X') out[n] = v.replace(/_/g, ' ');
  });
  if (parts.length > names.length) out.extra = parts.slice(names.length).join(' ');
  return out;
}

/**
 * EDF+ patient field: 'code sex birthdate name' (spaces within a subfield as '_', 'X' unknown);
 * plain EDF files are free text, read as EDF+ only when they look like it (or `plus` says so).
 */
export function parsePatientField(patientId: string, plus: boolean): EdfHeader['patient'] {
  const plusPatient = plus || /^\S+ [MFX] (\d{1,2}-[A-Za-z]{3}-\d{4}|X) \S+/.test(patientId);
  return plusPatient ? parseSubfields(patientId, ['code', 'sex', 'birthdate', 'name']) : {};
}

/** EDF+ recording field: 'Startdate dd-MMM-yyyy admincode technician equipment'; {} when not EDF+. */
export function parseRecordingField(recordingId: string): EdfHeader['recording'] {
  const recParts = /^Startdate\s+(\S+)\s*(.*)$/.exec(recordingId);
  if (!recParts) return {};
  const recording: EdfHeader['recording'] = parseSubfields(recParts[2], ['adminCode', 'technician', 'equipment']);
  if (recParts[1] !== 'X') recording.startDate = recParts[1];
  return recording;
}

/**
 * How many records `dataBytes` hold, for a message: whole records as an integer, a partial one to
 * two decimals rounded DOWN (0.999 of a record must not read as the 1 the header asks for), and
 * the bytes of the record that was cut.
 */
function recordsHeld(dataBytes: number, recordBytes: number): string {
  const whole = Math.floor(dataBytes / recordBytes);
  const partBytes = dataBytes - whole * recordBytes;
  if (partBytes === 0) return String(whole);
  // Integer arithmetic: (dataBytes / recordBytes) * 100 can land just under a whole hundredth.
  const hundredths = Math.floor((dataBytes * 100) / recordBytes);
  return `${(hundredths / 100).toFixed(2)} (the last one cut short: ${partBytes} of ${recordBytes} bytes)`;
}

/** Seconds for a message: whole seconds as they are, others to 3 decimals. */
function seconds(s: number): string {
  return `${Number.isInteger(s) ? s : Number(s.toFixed(3))} s`;
}

/**
 * The warning for a file that holds fewer records than its header says, e.g. `cut short (was the
 * recording interrupted?): the header says 300 data records (300 s) but the file holds 212 complete
 * and 1 partial one (1000 of 20640 bytes): imported the 212 data records (212 s), the partial one
 * left out`.
 */
function cutShortWarning(asked: number, whole: number, partBytes: number, recordBytes: number, durationS: number): string {
  const recs = (n: number) => `${n} data record${n === 1 ? '' : 's'}`;
  const partial = partBytes > 0 ? ` and 1 partial one (${partBytes} of ${recordBytes} bytes)` : '';
  const dropped = partBytes > 0 ? ', the partial one left out' : '';
  return (
    `cut short (was the recording interrupted?): the header says ${recs(asked)} (${seconds(asked * durationS)}) but the file holds ${whole} complete${partial}` +
    `: imported the ${recs(whole)} (${seconds(whole * durationS)})${dropped}`
  );
}

/**
 * Parses and checks the header. `fileName` names the file in errors; its extension is not
 * trusted: EDF and BDF are told apart by their first byte.
 */
export function parseEdfHeader(bytes: Uint8Array, fileName: string): EdfHeader {
  const fail: Fail = failFor(fileName);
  const warnings: string[] = [];
  if (bytes.length === 0) fail('empty', 'the file is empty');
  if (bytes.length < EDF_HEADER_BYTES) fail('truncated', `only ${bytes.length} bytes; an EDF/BDF header needs at least ${EDF_HEADER_BYTES}`);

  let variant: 'edf' | 'bdf';
  if (bytes[0] === 0xff && field(bytes, 1, 7) === 'BIOSEMI') variant = 'bdf';
  else if (field(bytes, 0, 8) === '0') variant = 'edf';
  else fail('not-this-format', `not an EDF or BDF file (version field ${quote(decodeLatin1(bytes, 0, 8))})`);
  const bytesPerSample = variant === 'bdf' ? 3 : 2;

  const patientId = field(bytes, 8, 80);
  const recordingId = field(bytes, 88, 80);
  const startDate = field(bytes, 168, 8);
  const startTimeOfDay = field(bytes, 176, 8);
  const headerBytesField = field(bytes, 184, 8);
  const reserved = field(bytes, 192, 44);
  const recordsField = field(bytes, 236, 8);
  const durationField = field(bytes, 244, 8);
  const nsField = field(bytes, 252, 4);

  const ns = parseInteger(nsField);
  if (ns === null || ns < 1) fail('bad-number', ns === 0 ? 'the header says the file holds 0 signals: there is nothing to import' : `bad number of signals ${quote(nsField)}`);
  const headerBytes = EDF_HEADER_BYTES + ns * EDF_SIGNAL_HEADER_BYTES;
  if (headerBytes > bytes.length) fail('truncated', `header says ${ns} signals (${headerBytes} header bytes) but the file has only ${bytes.length} bytes`);
  const hb = parseInteger(headerBytesField);
  if (hb !== headerBytes) warnings.push(`header-size field says ${quote(headerBytesField)}; ${ns} signals make it ${headerBytes} (used)`);

  let plus: 'C' | 'D' | null = null;
  const plusMatch = /^(EDF|BDF)\+([CD])/.exec(reserved);
  if (plusMatch) plus = plusMatch[2] as 'C' | 'D';

  const recordCountInHeader = parseInteger(recordsField);
  if (recordCountInHeader === null || recordCountInHeader < -1) fail('bad-number', `bad number of data records ${quote(recordsField)}`);
  const recordDurationS = parseDecimal(durationField);
  if (recordDurationS === null || recordDurationS < 0) fail('bad-number', `bad data record duration ${quote(durationField)}`);

  // Signal headers: each field is stored for all signals in turn.
  let p = EDF_HEADER_BYTES;
  const column = (width: number): string[] => {
    const out: string[] = [];
    for (let i = 0; i < ns; i++, p += width) out.push(field(bytes, p, width));
    return out;
  };
  const labels = column(16);
  const transducers = column(80);
  const dims = column(8);
  const pmins = column(8);
  const pmaxs = column(8);
  const dmins = column(8);
  const dmaxs = column(8);
  const prefilters = column(80);
  const counts = column(8);
  const reserveds = column(32);

  const [digLo, digHi] = variant === 'bdf' ? [-8388608, 8388607] : [-32768, 32767];
  const signals: EdfSignalHeader[] = [];
  const signalOffsets: number[] = [];
  let recordBytes = 0;
  for (let i = 0; i < ns; i++) {
    const where = `signal ${i + 1} (${quote(labels[i], 16)})`;
    const isAnnotation = (EDF_ANNOTATION_LABELS as readonly string[]).includes(labels[i]);
    const n = parseInteger(counts[i]);
    if (n === null || n < 0) fail('bad-number', `${where}: bad samples per record ${quote(counts[i])}`);
    const num = (text: string, what: string): number => {
      const v = parseDecimal(text);
      if (v === null) {
        if (isAnnotation) return 0; // annotation signals' ranges are meaningless; some writers leave them blank
        fail('bad-number', `${where}: bad ${what} ${quote(text)}`);
      }
      return v;
    };
    const physicalMin = num(pmins[i], 'physical minimum');
    const physicalMax = num(pmaxs[i], 'physical maximum');
    const digitalMin = num(dmins[i], 'digital minimum');
    const digitalMax = num(dmaxs[i], 'digital maximum');
    let gain = 1;
    let offset = 0;
    if (!isAnnotation) {
      if (digitalMax === digitalMin || physicalMax === physicalMin) {
        warnings.push(`${where}: physical or digital range is empty; values are raw counts`);
      } else {
        gain = (physicalMax - physicalMin) / (digitalMax - digitalMin);
        offset = physicalMin - digitalMin * gain;
      }
      if (Math.min(digitalMin, digitalMax) < digLo || Math.max(digitalMin, digitalMax) > digHi) warnings.push(`${where}: digital range ${digitalMin}..${digitalMax} exceeds the ${bytesPerSample * 8}-bit range`);
    }
    signalOffsets.push(recordBytes);
    recordBytes += n * bytesPerSample;
    signals.push({
      label: labels[i],
      transducer: transducers[i],
      physicalDimension: dims[i],
      physicalMin,
      physicalMax,
      digitalMin,
      digitalMax,
      prefiltering: prefilters[i],
      samplesPerRecord: n,
      reserved: reserveds[i],
      isAnnotation,
      gain,
      offset,
      rateHz: recordDurationS > 0 ? n / recordDurationS : 0,
    });
  }
  if (recordBytes === 0) fail('bad-header', 'every signal has 0 samples per record');
  if (recordDurationS === 0 && signals.some((s) => !s.isAnnotation && s.samplesPerRecord > 0)) {
    fail('bad-number', 'data record duration is 0 but the file holds signals');
  }

  const dataBytes = bytes.length - headerBytes;
  const available = Math.floor(dataBytes / recordBytes);
  let recordCount: number;
  if (recordCountInHeader === -1) {
    recordCount = available;
    // -1: the writer had not yet counted its records (it writes the count when it closes the file):
    // said even where the records come out whole, as MNE-Python says it.
    const recs = `${available} complete data record${available === 1 ? '' : 's'} (${seconds(available * recordDurationS)})`;
    const partial = dataBytes % recordBytes;
    warnings.push(
      `the header's number of data records is -1, which a writer leaves while it records and replaces when it closes the file (was the recording interrupted?): ` +
        (partial !== 0 ? `imported the ${recs}, the last one, incomplete (${partial} of ${recordBytes} bytes), left out` : `imported the ${recs} the file holds`),
    );
  } else {
    const asked = `header says ${recordCountInHeader} data record${recordCountInHeader === 1 ? '' : 's'} of ${recordBytes} bytes`;
    if (recordCountInHeader > available) {
      // Cut short (a writer that crashed or was stopped before closing the file): the complete
      // records are the recording up to the cut, so they are read, and the warning says what
      // is missing. Without one complete record there is nothing to read.
      if (available === 0) fail('truncated', `${asked} but the file holds ${recordsHeld(dataBytes, recordBytes)}: not one complete record`);
      warnings.push(cutShortWarning(recordCountInHeader, available, dataBytes - available * recordBytes, recordBytes, recordDurationS));
      recordCount = available;
    } else {
      recordCount = recordCountInHeader;
      if (dataBytes > recordCount * recordBytes) warnings.push(`${dataBytes - recordCount * recordBytes} bytes after the last data record; ignored`);
    }
  }

  const patient = parsePatientField(patientId, plus !== null);
  const recording = parseRecordingField(recordingId);

  // Start: dd.mm.yy hh.mm.ss; years 85-99 are 19xx, 00-84 20xx (EDF spec). EDF+ carries the full
  // year in the recording field's Startdate, which wins when present and consistent.
  let startTime: number | null = null;
  const dm = /^(\d{1,2})\.(\d{1,2})\.(\d{2})$/.exec(startDate);
  const tm = /^(\d{1,2})\.(\d{1,2})\.(\d{1,2})$/.exec(startTimeOfDay);
  if (dm && tm) {
    const yy = Number(dm[3]);
    let year = yy >= 85 ? 1900 + yy : 2000 + yy;
    const plusDate = recording.startDate ? parsePlusDate(recording.startDate) : null;
    if (plusDate && plusDate.y % 100 === yy) year = plusDate.y;
    startTime = unixSeconds(year, Number(dm[2]), Number(dm[1]), Number(tm[1]), Number(tm[2]), Number(tm[3]));
  }
  if (startTime === null) warnings.push(`start date/time ${quote(startDate)} ${quote(startTimeOfDay)} is not a valid date`);

  return {
    variant,
    plus,
    patientId,
    recordingId,
    startDate,
    startTimeOfDay,
    startTime,
    headerBytes,
    reserved,
    recordCount,
    recordCountInHeader,
    recordDurationS,
    signals,
    bytesPerSample,
    recordBytes,
    signalOffsets,
    patient,
    recording,
    warnings,
  };
}

/**
 * Float32 keeps a value to within 2^-24 of its size; once the values are 2^22 counts from zero
 * (24-bit BDF, or an EDF whose physical range sits far from 0) that is no longer a quarter count.
 */
export function needsFloat64(header: EdfHeader, index: number): boolean {
  const s = header.signals[index];
  return header.variant === 'bdf' || Math.max(Math.abs(s.physicalMin), Math.abs(s.physicalMax)) / Math.abs(s.gain) >= 2 ** 22;
}
