import type { Readable, Writable } from 'node:stream';

/**
 * The pipes between the controller and the setup shell, its descriptors 3 (shell → controller:
 * `pid N`, then `exec`) and 4 (controller → shell: `go`). `script` and `unshare` hold them too, so
 * the shell never sees EOF before the controller closes its end.
 */
export class SetupChannel {
  private buffered = '';
  private waiters: ((line: string | undefined) => void)[] = [];
  private lines: string[] = [];
  private ended = false;

  constructor(
    private readonly reader: Readable,
    private readonly writer: Writable,
  ) {
    reader.setEncoding('utf8');
    reader.on('data', (chunk: string) => {
      this.buffered += chunk;
      for (let nl = this.buffered.indexOf('\n'); nl >= 0; nl = this.buffered.indexOf('\n')) {
        this.push(this.buffered.slice(0, nl));
        this.buffered = this.buffered.slice(nl + 1);
      }
    });
    reader.on('error', () => this.end());
    reader.on('close', () => this.end());
    writer.on('error', () => {});
  }

  private push(line: string): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(line);
    else this.lines.push(line);
  }

  private end(): void {
    this.ended = true;
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }

  /** The shell's next line; undefined once the channel is closed. */
  nextLine(): Promise<string | undefined> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  sendGo(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.writer.write('go\n', (error) => (error ? reject(error) : resolve())),
    );
  }

  /** Wakes any waiter with undefined (the shell is gone) and closes both pipes. */
  close(): void {
    this.end();
    this.reader.destroy();
    this.writer.destroy();
  }
}
