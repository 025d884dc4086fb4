import { constants, openSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { Socket } from 'node:net';
import { execa } from 'execa';

/**
 * The FIFO pair between the controller and the setup shell. Both ends are opened read-write here,
 * so neither open blocks and the shell never sees EOF before the controller means it to.
 */
export class SetupChannel {
  private buffered = '';
  private waiters: ((line: string | undefined) => void)[] = [];
  private lines: string[] = [];
  private ended = false;

  private constructor(
    private readonly inHandle: FileHandle,
    private readonly reader: Socket,
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
  }

  /** Creates both FIFOs (mode 0600) and opens them. */
  static async create(outPath: string, inPath: string): Promise<SetupChannel> {
    await execa('mkfifo', ['-m', '0600', outPath, inPath]);
    const flags = constants.O_RDWR | constants.O_NONBLOCK;
    // A socket over the FIFO reads in the event loop, not on a thread-pool thread that could block
    // forever; it owns (and closes) this plain descriptor.
    const reader = new Socket({ fd: openSync(outPath, flags), readable: true, writable: false });
    const inHandle = await open(inPath, flags);
    return new SetupChannel(inHandle, reader);
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

  async sendGo(): Promise<void> {
    await this.inHandle.write('go\n');
  }

  /** Wakes any waiter with undefined (the shell is gone) and closes both FIFOs. */
  async close(): Promise<void> {
    this.end();
    this.reader.destroy();
    await this.inHandle.close().catch(() => {});
  }
}
