// A mark on an error whose failure its area has already put in the log in its own words (a device
// that gave up: "Lab Cyton: connecting → error (cannot open …)"). A request that fails with it is
// not said again by the core's failure line, which would repeat the same words as a warning; a
// request whose error has no mark is said there, once.
//
// A WeakSet, not a field: the mark stays in this process (an error sent over IPC or rebuilt from a
// worker is a new object, unmarked, as the words it carries were not logged here).
const logged = new WeakSet<object>();

/** Marks `err` as said in the log already; returns it, so `throw markLogged(new …)` reads as one step. */
export function markLogged<E>(err: E): E {
  if (err !== null && typeof err === 'object') logged.add(err);
  return err;
}

/** Whether an area said this error in the log before throwing it (markLogged). */
export function wasLogged(err: unknown): boolean {
  return err !== null && typeof err === 'object' && logged.has(err);
}
