/** Where the CLI writes; process streams or test buffers. */
export interface TextSink {
  write(text: string): unknown;
}

/** The streams and environment `runVirtkit` runs with. */
export interface VirtkitIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** Read by the interactive shell; `process.stdin` when absent. */
  readonly stdin?: NodeJS.ReadableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborting ends a waiting `event` command as virsh's Ctrl-C does. */
  readonly signal?: AbortSignal;
}
