/** libvirtd's keepalive_interval and keepalive_count defaults. */
export const SERVER_KEEPALIVE = { intervalSeconds: 5, count: 5 } as const;

export interface KeepaliveSettings {
  readonly intervalSeconds: number;
  readonly count: number;
}

/**
 * The server's side of libvirt's keepalive: once a client has shown it understands the keepalive
 * program, a client silent for an interval is PINGed, and one that stays silent through `count`
 * PINGs is dropped, as a dead peer whose socket would otherwise linger.
 */
export class KeepaliveMonitor {
  readonly #settings: KeepaliveSettings;
  readonly #ping: () => void;
  readonly #drop: () => void;
  #timer: NodeJS.Timeout | undefined;
  #lastHeard = Date.now();
  #unanswered = 0;

  constructor(settings: KeepaliveSettings, ping: () => void, drop: () => void) {
    this.#settings = settings;
    this.#ping = ping;
    this.#drop = drop;
  }

  start(): void {
    if (this.#timer) return;
    const intervalMs = this.#settings.intervalSeconds * 1000;
    this.#timer = setInterval(() => {
      if (Date.now() - this.#lastHeard < intervalMs) return;
      if (this.#unanswered >= this.#settings.count) {
        this.stop();
        this.#drop();
        return;
      }
      this.#unanswered++;
      this.#ping();
    }, intervalMs);
    // Never the reason a daemon stays up.
    this.#timer.unref();
  }

  /** Anything from the client proves it alive. */
  heard(): void {
    this.#lastHeard = Date.now();
    this.#unanswered = 0;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
