/**
 * Where a key vault RSA signature's private operation runs. With RSA threads configured it runs
 * on them only while other key vault requests are open: then the event loop they wait for is
 * freed for about 0.3 ms per RSA-2048 signature, and the signatures use more than one core. A
 * request that is alone is signed on the event loop, since nothing waits for it and the hand-off to
 * a thread and back would only add CPU and latency (docs/benchmarks.md, "Key vault").
 */
import { rsaPrivateInline, type RsaPrivateOperation } from '@confide/keyvault';

export class RsaPlacement {
  readonly #threads: { run: RsaPrivateOperation } | undefined;
  #open = 0;

  /** `threads`: where operations go while requests have company; absent: always on the event loop. */
  constructor(threads: { run: RsaPrivateOperation } | undefined) {
    this.#threads = threads;
  }

  /** Counts a request as open until the returned function is called (once; further calls do nothing). */
  opened(): () => void {
    this.#open++;
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      this.#open--;
    };
  }

  /** Requests open now. */
  get open(): number {
    return this.#open;
  }

  /**
   * The private operation, on the threads when another request is open, else here. The choice waits
   * for setImmediate: a request is read and handled within one I/O callback, and answered before the
   * next socket's callback runs, so at the moment of the call the others ready now have not been
   * read yet. By the check phase every socket that was ready in this poll has been read, and those
   * requests count as open.
   */
  readonly run: RsaPrivateOperation = (key, input) => {
    const threads = this.#threads;
    if (!threads) return rsaPrivateInline(key, input);
    return new Promise((resolve, reject) => {
      setImmediate(() => {
        // Inside setImmediate a throw (a thread that cannot start) would be uncaught: it rejects this operation instead.
        try {
          (this.#open > 1 ? threads.run(key, input) : rsaPrivateInline(key, input)).then(resolve, reject);
        } catch (err) {
          reject(err);
        }
      });
    });
  };
}
