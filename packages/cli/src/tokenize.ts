/**
 * A command string split into commands of words. `error` is a quoting error that stopped
 * the split; `commands` holds what came before it, since virsh reports errors in those
 * first (it parses as it reads).
 */
export interface Tokenized {
  commands: string[][];
  error?: string;
}

/**
 * Splits one command string like vshCommandStringGetArg: blanks separate words, `;`
 * separates commands, '…' quotes literally, "…" quotes with `\` escapes, `\` escapes
 * outside single quotes. An unterminated single quote runs to the end, as in virsh.
 */
export function tokenizeCommandString(text: string): Tokenized {
  const commands: string[][] = [];
  let words: string[] = [];
  const done = (error?: string): Tokenized => {
    commands.push(words);
    const nonEmpty = commands.filter((command) => command.length > 0);
    return error === undefined ? { commands: nonEmpty } : { commands: nonEmpty, error };
  };
  let i = 0;
  while (true) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (i >= text.length) return done();
    if (text[i] === ';') {
      i++;
      commands.push(words);
      words = [];
      continue;
    }
    let word = '';
    let single = false;
    let double = false;
    for (; i < text.length; i++) {
      const c = text[i];
      if (!single && !double && (c === ' ' || c === '\t' || c === ';')) break;
      if (!double && c === "'") {
        single = !single;
      } else if (!single && c === '"') {
        double = !double;
      } else if (!single && c === '\\') {
        i++;
        if (i >= text.length) return done('dangling \\');
        word += text[i];
      } else {
        word += c;
      }
    }
    if (double) return done('missing "');
    words.push(word);
  }
}
