/**
 * virsh's table layout (tools/vsh-table.c): a leading space, columns padded to their
 * widest cell and joined by three spaces, the last column unpadded, and under the
 * header a dashed rule as wide as the widths plus three per column. Quiet mode drops
 * the header, which then does not count towards the widths.
 */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  quiet: boolean,
): string {
  const lines = quiet ? rows : [header, ...rows];
  const widths = header.map((_, column) => Math.max(0, ...lines.map((line) => width(line[column] ?? ''))));
  const render = (cells: readonly string[]) =>
    ` ${cells.map((cell, i) => (i < cells.length - 1 ? pad(cell, widths[i] ?? 0) : cell)).join('   ')}\n`;
  const body = rows.map(render).join('');
  if (quiet) return body;
  const rule = '-'.repeat(widths.reduce((sum, w) => sum + w + 3, 0));
  return `${render(header)}${rule}\n${body}`;
}

/** Terminal columns of `text`: code points, which is what virsh counts for plain text. */
function width(text: string): number {
  return [...text].length;
}

function pad(text: string, columns: number): string {
  return text + ' '.repeat(Math.max(0, columns - width(text)));
}
