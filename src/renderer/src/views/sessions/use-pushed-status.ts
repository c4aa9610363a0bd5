// A status the core pushes on every change (recording, replay): the latest push, and the current
// value asked for on every (re)connection so a page that missed pushes while away catches up.
import { useEffect, useState } from 'preact/hooks';
import type { Channel, PushType, ResponseOf } from '../../../../shared/ipc-schema';
import type { RequestArgs } from '../../../../shared/ipc/transport-protocol';
import type { HeartMindClient, PushOf } from '../../transport/client';

/** Push types whose message carries a status S. */
type StatusPush<S> = { [T in PushType]: PushOf<T> extends { status: S } ? T : never }[PushType];
/** Request channels that take no argument and answer with status S. */
type StatusChannel<S> = { [C in Channel]: RequestArgs<C> extends [] ? (ResponseOf<C> extends S ? C : never) : never }[Channel];

export function usePushedStatus<S>(client: HeartMindClient, push: StatusPush<S>, channel: StatusChannel<S>): S | null {
  const [status, setStatus] = useState<S | null>(null);
  useEffect(() => {
    let live = true;
    // StatusPush<S> guarantees the message carries an S; the compiler cannot see through the Extract.
    const off = client.on(push, (m) => setStatus((m as unknown as { status: S }).status));
    const offConn = client.onConnection((state) => {
      if (state === 'open')
        (client.invoke as (c: Channel) => Promise<S>)(channel)
          .then((s) => live && setStatus(s))
          .catch(() => {});
    });
    return () => {
      live = false;
      off();
      offConn();
    };
  }, [client]);
  return status;
}
