import { writeFile } from 'node:fs/promises';
import { childElement, childElements, type DomainDef, VirtError, type XmlElement } from '@virtkit/core';

/** One line of a uid_map/gid_map: ids from `start` inside are `target` outside, `count` of them. */
export interface IdRange {
  readonly start: number;
  readonly target: number;
  readonly count: number;
}

export interface IdMap {
  readonly uids: readonly IdRange[];
  readonly gids: readonly IdRange[];
}

function range(el: XmlElement): IdRange {
  const nums = ['start', 'target', 'count'].map((k) => Number(el.attrs[k]));
  const [start, target, count] = nums as [number, number, number];
  if (!nums.every((n) => Number.isSafeInteger(n) && n >= 0)) {
    throw new VirtError('XML_ERROR', 'invalid idmap start/target/count settings', { domain: 'LXC' });
  }
  return { start, target, count };
}

/** `<idmap>` (kept raw by core): undefined when the domain has none, so no user namespace. */
export function readIdMap(def: DomainDef): IdMap | undefined {
  const el = childElement(def.rest, 'idmap');
  if (el === undefined) return undefined;
  const uids = childElements(el, 'uid').map(range);
  const gids = childElements(el, 'gid').map(range);
  // libvirt requires both: a user namespace with only one of them mapped cannot run init as root.
  if (uids.length === 0 || gids.length === 0) {
    throw new VirtError('CONFIG_UNSUPPORTED', 'You must map the root user of container', { domain: 'LXC' });
  }
  return { uids, gids };
}

function mapText(ranges: readonly IdRange[]): string {
  return ranges.map((r) => `${r.start} ${r.target} ${r.count}\n`).join('');
}

/** Writes the maps of the user namespace `pid` lives in; each file takes one write, all lines at once. */
export async function writeIdMap(pid: number, map: IdMap): Promise<void> {
  await writeFile(`/proc/${pid}/uid_map`, mapText(map.uids));
  await writeFile(`/proc/${pid}/gid_map`, mapText(map.gids));
}
