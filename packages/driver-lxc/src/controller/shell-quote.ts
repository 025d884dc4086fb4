/** Quotes one word for a POSIX shell: single quotes, each embedded quote closed, escaped, reopened. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** A command line of safely quoted words, for `sh -c` (and so for `script -c`). */
export function shellCommand(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}
