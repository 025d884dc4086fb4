import { readFile } from 'node:fs/promises';

/** Linux reports utime/stime in clock ticks; USER_HZ is 100 on every architecture QEMU runs on. */
const NS_PER_TICK = 10_000_000n;

/** CPU time a process has used (user + system), from /proc/PID/stat, as qemuGetProcessInfo reads it. */
export async function cpuTimeNs(pid: number): Promise<bigint> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return 0n;
  // Fields after the command name, which may hold spaces and ends at the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [utime = '0', stime = '0'] = [fields[11], fields[12]];
  return (BigInt(utime) + BigInt(stime)) * NS_PER_TICK;
}
