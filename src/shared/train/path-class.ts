// A recording given its own class, as one string (no imports: the Training view's form and the CLI both read it).

/**
 * 'PATH=CLASS' (the CLI's --file / --folder, a line of the Training view's recordings box, where
 * spaces around '=' are allowed): the recording and its own class. The suffix counts as a class only
 * when it names one of `classes`, so a path that holds '=' still reads as a path.
 */
export function splitPathClass(v: string, classes: readonly string[] | null): { path: string; label?: string } {
  const i = v.lastIndexOf('=');
  if (!classes || i <= 0) return { path: v.trim() };
  const label = v.slice(i + 1).trim();
  return classes.includes(label) ? { path: v.slice(0, i).trim(), label } : { path: v.trim() };
}
