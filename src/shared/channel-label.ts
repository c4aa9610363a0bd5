// The one reading of a channel label's electrode. The montage (which stream channel fills which row
// of a window), a model card's contract (which channels a shipped model needs), the R-peak lead
// choice and the dataset checks all match labels by electrodeKey, so a recording whose channels
// fill the 19-channel montage also fits a model that reads that montage, and the reverse; the
// importers' electrode positions (formats/channel-kind.ts) read the same part of the label.

/** 10-10 names of electrodes that CBraMod's 10-20 montage (../shared/MODEL.md §1) calls by their old names. */
const TEN_TEN_ALIASES: Readonly<Record<string, string>> = { T7: 'T3', T8: 'T4', P7: 'T5', P8: 'T6' };

/**
 * A signal-type prefix: EDF+'s 'EEG Fp1' and 'ECG ECG' (EEGMAT), OpenBCI's 'EXG'. The separator is
 * required, so a lone 'ECG' (a chest strap's lead) is a name, not a prefix.
 */
const TYPE_PREFIX_RE = /^(EEG|ECG|EKG|EXG|EOG|EMG)[\s_:-]+/i;

/**
 * A reference after the electrode, after a space, '-' or '_': TUH's 'EEG FP1-REF', EEGMAT's
 * 'EEG A2-A1', Sleep-EDF's 'EEG Fpz-Cz', linked ears or mastoids. 'A1' or 'Cz' alone is still an electrode.
 */
const REFERENCE_SUFFIX_RE = /[\s_-]+(REF|LE|RE|AR|AVG|CZ|A1|A2|M1|M2|LINKED|MASTOIDS?)$/i;

/**
 * The electrode part of a channel label, spelt as given: without surrounding white space, the
 * trailing dots PhysioNet's EEG Motor Movement/Imagery files pad labels to four characters with
 * ('Fp1.', 'Cz..'), a type prefix or a reference. 'EEG Fp1-REF' → 'Fp1'.
 */
export function labelElectrode(label: string): string {
  return label.trim().replace(/\.+$/, '').replace(TYPE_PREFIX_RE, '').replace(REFERENCE_SUFFIX_RE, '');
}

/**
 * The key channel labels are matched by: the electrode part (labelElectrode) in upper case, the
 * 10-10 names T7 T8 P7 P8 as the 10-20 names T3 T4 T5 T6. 'EEG Fp1-REF', 'FP1', 'Fp1.' and 'fp1'
 * are the same electrode; 'EEG T7' is T3.
 */
export function electrodeKey(label: string): string {
  const s = labelElectrode(label).toUpperCase();
  return TEN_TEN_ALIASES[s] ?? s;
}
