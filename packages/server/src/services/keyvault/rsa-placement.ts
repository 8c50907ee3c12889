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

  /** The private operation, on the threads when another request is open, else here. */
  readonly run: RsaPrivateOperation = (key, input) =>
    this.#threads && this.#open > 1 ? this.#threads.run(key, input) : rsaPrivateInline(key, input);
}
