/** The smallest possible stdout write, for `--version`. */
export function writeLine(text: string): void {
  process.stdout.write(`${text}\n`);
}
