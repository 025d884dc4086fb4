import { VirtError } from '@virtkit/core';

/** `lxc.id_map` / `lxc.idmap` value: `u|g TARGET START COUNT` as libvirt reads it. */
export function idmapToXml(values: string[]): string {
  let uids = '';
  let gids = '';
  for (const v of values) {
    const m = /^([ug])\s+(\d+)\s+(\d+)\s+(\d+)$/.exec(v.trim());
    if (!m) throw new VirtError('INTERNAL_ERROR', `badly formatted id map entry: ${v}`);
    const line = `  <${m[1] === 'u' ? 'uid' : 'gid'} start='${m[3]}' target='${m[2]}' count='${m[4]}'/>\n`;
    if (m[1] === 'u') uids += line;
    else gids += line;
  }
  if (uids === '' && gids === '') return '';
  return `<idmap>\n${uids}${gids}</idmap>\n`;
}
