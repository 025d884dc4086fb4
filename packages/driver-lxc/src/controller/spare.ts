import { closeSync, openSync } from 'node:fs';
import type { SpareAssignment, SpareReply } from './protocol.js';

/**
 * Waits for the manager's assignment on the IPC channel; undefined when the channel closes
 * first (the manager is gone or has no more use for this spare).
 */
export function awaitAssignment(): Promise<SpareAssignment | undefined> {
  return new Promise((resolve) => {
    if (!process.connected) return resolve(undefined);
    process.once('message', (message: SpareAssignment) => resolve(message));
    process.once('disconnect', () => resolve(undefined));
  });
}

/** Tells the manager the sockets listen, then lets go of the channel (nothing keeps us attached). */
export function reportReady(): Promise<void> {
  const reply: SpareReply = { ready: true };
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(reply, undefined, {}, () => {
      if (process.connected) process.disconnect();
      resolve();
    });
  });
}

/**
 * Points stdout and stderr at the container's log. Node has no dup2, but open(2) returns the lowest
 * free descriptor: closing 1 (then 2) and opening the log right away reuses the number. Nothing else
 * runs in a spare at that moment, so no other open can take it.
 */
export function redirectOutput(logPath: string): void {
  for (const fd of [1, 2]) {
    closeSync(fd);
    const got = openSync(logPath, 'a');
    if (got !== fd) throw new Error(`log opened as descriptor ${got}, not ${fd}`);
  }
}
