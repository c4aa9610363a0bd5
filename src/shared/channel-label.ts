// The one key channel labels are compared by. The montage (which stream channel fills which row of
// a window), a model card's contract (which channels a shipped model needs), the R-peak lead choice
// and the dataset checks all match labels through it, so a recording whose channels fill the
// 19-channel montage also fits a model that reads that montage, and the reverse.

/** 10-10 names of electrodes that CBraMod's 10-20 montage (../shared/MODEL.md §1) calls by their old names. */
const TEN_TEN_ALIASES: Readonly<Record<string, string>> = { T7: 'T3', T8: 'T4', P7: 'T5', P8: 'T6' };

/**
 * The key of a channel label: 'EEG Fp1-REF', 'FP1', 'Fp1.' and 'fp1' are the same electrode. It is
 * - upper case, without surrounding white space;
 * - without the trailing dots that PhysioNet's EEG Motor Movement/Imagery files use to pad labels
 *   to four characters ('Fp1.', 'Cz..');
 * - without an EDF+ signal-type prefix 'EEG', 'ECG' or 'EKG' followed by a space, '_', '-' or ':'
 *   (EEGMAT's 'EEG Fp1' and 'ECG ECG'). The separator is required, so a lone 'ECG' (a chest
 *   strap's lead) stays 'ECG';
 * - without a reference after a space, '-' or '_': REF LE AR A1 A2 M1 M2 AVG CZ (TUH's
 *   'EEG FP1-REF', EEGMAT's 'EEG A2-A1', Sleep-EDF's 'EEG Fpz-Cz'). 'A1' or 'Cz' alone is still
 *   an electrode;
 * - with the 10-10 names T7 T8 P7 P8 mapped to the 10-20 names T3 T4 T5 T6.
 */
export function electrodeKey(label: string): string {
  const s = label
    .trim()
    .toUpperCase()
    .replace(/\.+$/, '')
    .replace(/^(EEG|ECG|EKG)[\s_:-]+/, '')
    .replace(/[\s_-]+(REF|LE|AR|A1|A2|M1|M2|AVG|CZ)$/, '');
  return TEN_TEN_ALIASES[s] ?? s;
}
