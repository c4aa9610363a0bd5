// A free-text name (a session's, a stream's) as a file name on every system the app runs on.

/** The most characters a name keeps: well under the 255-byte file-name limit, even in UTF-8. */
const SAFE_FILE_NAME_MAX_CHARS = 100;

/**
 * `name` with only letters, digits, '.', '_' and '-' ("Session 2025-04-05 10:30" →
 * "Session_2025-04-05_10_30"): runs of anything else become '_', leading '_'/'.' (hidden files)
 * and trailing '_' go, NFC so an accented letter is one character. '' when nothing is left: the
 * caller picks the fallback.
 */
export function safeFileName(name: string): string {
  return name.normalize('NFC').replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^[_.]+|_+$/g, '').slice(0, SAFE_FILE_NAME_MAX_CHARS);
}

/** A session's name as the base of its export files ("Session 2025-04-05 10:30" → "Session_2025-04-05_10_30"; nothing left: "session-<id>"). One rule for the core's file names and the Sessions view's suggestion. */
export function sessionFileBase(name: string, sessionId: number): string {
  return safeFileName(name) || `session-${sessionId}`;
}
