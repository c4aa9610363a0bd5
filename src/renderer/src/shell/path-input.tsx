// A path field with a "Browse…" button that opens the desktop app's native file or folder dialog.
// In serve mode (a browser) there is no such dialog that gives a path, so the field is typed and
// the button is not shown.
import { ELECTRON_PICK_PATH, type PickPathRequest } from '../../../shared/ipc/pick-path';
import { unwrapEnvelope } from '../../../shared/ipc/wire-error';
import { appErrors } from './app-errors';

/** The native dialog, where this page has one (the Electron window). */
function nativePicker(): ((req: PickPathRequest) => Promise<string | null>) | null {
  const bridge = window.heartmind;
  if (!bridge?.pickPath) return null;
  return async (req) => unwrapEnvelope(ELECTRON_PICK_PATH, await bridge.pickPath(req));
}

/** "Browse…": calls onPicked with the chosen path (nothing on cancel). Renders nothing in a browser. */
export function BrowseButton({ pick, onPicked }: { pick: PickPathRequest; onPicked(path: string): void }) {
  const picker = nativePicker();
  if (!picker) return null;
  const browse = () =>
    picker(pick)
      .then((path) => path && onPicked(path))
      .catch((err) => appErrors.report(err, 'file dialog'));
  return (
    <button type="button" class="btn btn-small browse-button" onClick={browse} title={pick.title}>
      Browse…
    </button>
  );
}

interface PathInputProps {
  value: string;
  onValue(path: string): void;
  pick: PickPathRequest;
  // Passed to the input as they are:
  placeholder?: string;
  required?: boolean;
  'aria-label'?: string;
  'data-testid'?: string;
}

/** A text field for a path, with BrowseButton beside it. */
export function PathInput({ value, onValue, pick, ...input }: PathInputProps) {
  return (
    <span class="path-input">
      <input {...input} value={value} onInput={(e) => onValue(e.currentTarget.value)} />
      <BrowseButton pick={pick} onPicked={onValue} />
    </span>
  );
}
