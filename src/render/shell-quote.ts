// Commands aoai prints (hints, "fetch:" lines) are pasted into a shell, so every word that is not
// aoai's own is quoted: POSIX single quotes, which turn off every expansion. Plain words (ids,
// simple paths) stay bare so the command reads as a person would type it.

const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One shell word: `resp_abc` as is, `it's $HOME` as `'it'\''s $HOME'`. */
export function shellQuote(word: string): string {
  if (PLAIN_WORD.test(word)) return word;
  // Inside single quotes nothing is special but the quote itself: close, escape it, reopen.
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Words joined into a command line, each quoted as needed. */
export function shellCommand(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}
