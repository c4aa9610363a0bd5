// The text a view shows for a failed request: the error's message without the channel prefix
// the transport adds (RemoteError messages start with 'hm:<area>:<verb>: '), which helps the
// log but not the person reading the form.

/** A thrown error's message, without the channel prefix the transport adds. */
export function messageOf(err: unknown): string {
  const m = (err as Error)?.message ?? String(err);
  return m.replace(/^hm:[a-z-]+:[a-z-]+: /, '');
}
