// The registry's rule for a model id, in words, for everything that takes one from a user.
import { MODEL_ID_RE } from '../model/card';

/**
 * Why `id` cannot name a model in the registry (MODEL_ID_RE), in words, or null. One sentence for
 * the CLI's --id / --model-id, the core's export and the Training view's Export row (the pattern
 * itself, /^[a-z0-9][a-z0-9_-]{0,63}$/, was what they printed).
 */
export function modelIdProblem(id: string): string | null {
  if (MODEL_ID_RE.test(id)) return null;
  const why: string[] = [];
  if (id === '') why.push('it is empty');
  const bad = [...new Set(id.replace(/[a-z0-9_-]/g, ''))];
  const shown = [...(bad.some((c) => /[A-Z]/.test(c)) ? ['capital letters'] : []), ...bad.filter((c) => !/[A-Z]/.test(c)).map((c) => (c === ' ' ? 'a space' : `'${c}'`))];
  if (shown.length) why.push(`it has ${shown.join(', ')}`);
  if (/^[-_]/.test(id)) why.push(`it starts with '${id[0]}'`);
  if (id.length > 64) why.push(`it has ${id.length} characters`);
  return `the model id '${id}' must be lowercase letters, digits, '-' and '_', starting with a letter or digit, at most 64 characters (${why.join('; ')})`;
}
