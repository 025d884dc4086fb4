/**
 * The only differences the issue allows between virsh and virtkit, rewritten away on both
 * sides before comparing. Values that change by themselves are always rewritten; the
 * layout-only comparisons are opted into by the cases that need them.
 */
type Rewrite = (text: string) => string;

// dominfo's CPU time grows with the wall clock in libvirt's test driver.
const cpuTime: Rewrite = (text) => text.replace(/^(CPU time: +)\d+(\.\d+)?s$/gm, '$1<cpu time>s');

// event --timestamp prefixes each line with the local time of the event.
const timestamp: Rewrite = (text) =>
  text.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}[+-]\d{4}: /gm, '<timestamp>: ');

// version: same labels, each tool's own products and numbers.
const versionLayout: Rewrite = (text) => text.replace(/^([A-Z][^:\n]*): .+$/gm, '$1: <version>');

/**
 * help: virtkit lists its own commands, so only the layout is compared: headings stay,
 * every indented entry becomes one placeholder, and repeated groups collapse into one.
 */
const helpLayout: Rewrite = (text) =>
  text
    .split('\n')
    .map((line) => {
      if (/^ \S.* \(help keyword '[^']+'\):$/.test(line)) return " <group> (help keyword '<keyword>'):";
      if (/^ {4}\S/.test(line)) return '    <entry>';
      return line;
    })
    .filter((line, i, lines) => !(line === '    <entry>' && lines[i - 1] === line))
    .join('\n')
    .replace(/( <group> \(help keyword '<keyword>'\):\n {4}<entry>\n\n)+/g, '$1');

// The interactive shell names itself; virsh's banner and prompt carry virsh's name.
const shellName: Rewrite = (text) =>
  text.replace(/^Welcome to virtkit,/gm, 'Welcome to virsh,').replaceAll('virtkit # ', 'virsh # ');

const OPT_IN = { versionLayout, helpLayout, shellName } satisfies Record<string, Rewrite>;

export type LayoutOnly = keyof typeof OPT_IN;

/** `text` with the always-allowed differences and the case's opted-in ones rewritten. */
export function normalise(text: string, layoutOnly: readonly LayoutOnly[] = []): string {
  return [cpuTime, timestamp, ...layoutOnly.map((name) => OPT_IN[name])].reduce(
    (current, rewrite) => rewrite(current),
    text,
  );
}
