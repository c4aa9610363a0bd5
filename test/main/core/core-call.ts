// A request to a test's core as a page sends it (the dispatch a transport makes): its answer, or its
// refusal thrown as an Error carrying the envelope's kind, which the tests match on.
import type { Core } from '../../../src/main/core/core.types';
import type { RequestContext } from '../../../src/main/core/handler-registry';
import type { Envelope } from '../../../src/shared/ipc/wire-error';

const CTX: RequestContext = { transport: 'local', clientId: 'test' };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function coreCaller(core: Core, ctx: RequestContext = CTX): (channel: string, req?: unknown) => Promise<any> {
  return async (channel, req) => {
    const env = (await core.handlers.dispatch(channel, req, ctx)) as Envelope<unknown>;
    if (!env.ok) throw Object.assign(new Error(env.error.message), { kind: env.error.kind });
    return env.value;
  };
}
