/**
 * QEMU's two option syntaxes. Legacy options take `key=value,key=value` where a literal comma is
 * doubled; options QEMU parses with QAPI (-device, -blockdev, -object, -netdev, -audiodev) take a
 * JSON object, which libvirt prefers whenever QEMU accepts it.
 */

/** A value for either syntax; `undefined` means "leave the key out"; bigints stay exact (WWNs). */
export type OptionValue = string | number | bigint | boolean | undefined | OptionProps | OptionValue[];
export interface OptionProps {
  [key: string]: OptionValue;
}

/** Doubles commas so QEMU's option parser reads them as part of the value. */
export function escapeComma(value: string): string {
  return value.replaceAll(',', ',,');
}

function keyValueText(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return typeof value === 'number' ? String(value) : escapeComma(value);
}

/**
 * `key=value,…` in the given order. A leading bare value (e.g. the machine type of `-machine`)
 * is written as `[value, …pairs]` by passing it first with the key `''`.
 */
export function formatKeyValue(props: Record<string, string | number | boolean | undefined>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined) continue;
    parts.push(key === '' ? keyValueText(value) : `${key}=${keyValueText(value)}`);
  }
  return parts.join(',');
}

function jsonValue(value: Exclude<OptionValue, undefined>): string {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value))
    return `[${value
      .filter((v) => v !== undefined)
      .map(jsonValue)
      .join(',')}]`;
  if (typeof value === 'object') return formatJson(value);
  return JSON.stringify(value);
}

/** Compact JSON in insertion order, with undefined members dropped and bigints written exactly. */
export function formatJson(props: OptionProps): string {
  const members = Object.entries(props).flatMap(([key, value]) =>
    value === undefined ? [] : [`${JSON.stringify(key)}:${jsonValue(value)}`],
  );
  return `{${members.join(',')}}`;
}
