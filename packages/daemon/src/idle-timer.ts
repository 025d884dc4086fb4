/**
 * libvirtd's --timeout: fires `onIdle` once the daemon has had no client for `seconds`, unless
 * `busy()` says something (a running guest of a stateful driver) must keep it alive, in which
 * case it looks again after another period.
 */
export class IdleTimer {
  readonly #ms: number;
  readonly #busy: () => Promise<boolean>;
  readonly #onIdle: () => void;
  #timer: NodeJS.Timeout | undefined;

  constructor(seconds: number, busy: () => Promise<boolean>, onIdle: () => void) {
    this.#ms = seconds * 1000;
    this.#busy = busy;
    this.#onIdle = onIdle;
  }

  /** No client any more: start counting. */
  arm(): void {
    this.cancel();
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#busy().then(
        (busy) => (busy ? this.arm() : this.#onIdle()),
        () => this.arm(),
      );
    }, this.#ms);
  }

  /** A client came: the daemon is not idle. */
  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
