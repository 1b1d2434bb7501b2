import { ApiError } from '../../domain/errors.js';
import { Code } from '../../domain/status-codes.js';
import type { RpcInfo } from '../../proto/load.js';
import type { CallMeta } from './call-observer.js';
import type { ApiObject, StreamImpl, StreamSession } from './context.js';
import type { Dispatcher, DispatchResult, Seen } from './dispatcher.js';

/**
 * One call of a client-streaming RPC (see Dispatcher.openStream). Messages must be sent one at a
 * time (the transport awaits each answer): the session is a state machine, not a queue.
 */
export class DispatchStream {
  #session: StreamSession | undefined;
  #closed = false;
  #last: DispatchResult | undefined;
  readonly #seen: Seen = { userId: undefined, appId: undefined };
  readonly #started = performance.now();

  constructor(
    private readonly d: Dispatcher,
    private readonly rpc: RpcInfo,
    private readonly impl: StreamImpl,
    private readonly authorization: string | undefined,
    private readonly meta: CallMeta,
    readonly reqId: string,
  ) {}

  /** True once the stream is over (an error was answered, or end() / abort() ran). */
  get closed(): boolean {
    return this.#closed;
  }

  async send(req: ApiObject): Promise<DispatchResult> {
    if (this.#closed) throw new Error('DispatchStream.send after the stream closed');
    try {
      if (!this.#session) {
        this.#session = await this.d.openSession(this.rpc, this.impl, req, this.authorization, this.reqId, this.#seen);
        return (this.#last = await this.d.streamAnswer(this.#session.first, this.reqId));
      }
      return (this.#last = await this.d.streamAnswer(await this.#session.next(req), this.reqId));
    } catch (err) {
      return this.#fail(err);
    }
  }

  /** A message the transport could not decode: answered as this RPC's error, and the stream is over. */
  async refuse(err: unknown): Promise<DispatchResult> {
    return this.#fail(err);
  }

  /** The client finished sending: the session's last answer (if any); the stream is over. */
  async end(): Promise<DispatchResult | undefined> {
    if (this.#closed) return undefined;
    if (!this.#session) return this.#fail(new ApiError(Code.CONN_BAD_REQUEST_FORMAT, `The ${this.rpc.name} stream ended before its first message.`));
    let r: DispatchResult | undefined;
    try {
      const answer = await this.#session.end();
      r = answer ? await this.d.streamAnswer(answer, this.reqId) : undefined;
    } catch (err) {
      return this.#fail(err);
    }
    this.#close(r ?? this.#last);
    return r;
  }

  /** The call broke off: the session lets go of what it holds. */
  async abort(): Promise<void> {
    if (this.#closed) return;
    await this.#session?.abort();
    this.#close(this.#last, true);
  }

  async #fail(err: unknown): Promise<DispatchResult> {
    const r = this.d.failure(this.rpc, err, this.reqId);
    await this.#session?.abort();
    this.#close(r);
    return r;
  }

  #close(r: DispatchResult | undefined, cancelled = false): void {
    this.#closed = true;
    // A stream cancelled before any answer is counted as the client's cancellation.
    const observed =
      r ??
      this.d.failure(
        this.rpc,
        new ApiError(Code.CONN_BAD_REQUEST_FORMAT, `The ${this.rpc.name} call was cancelled${cancelled ? '' : ' before any answer'}.`),
        this.reqId,
      );
    this.d.observeStream(this.rpc.name, this.meta, observed, this.#seen, performance.now() - this.#started);
  }
}
