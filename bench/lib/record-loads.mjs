// `node --import ./bench/lib/record-loads.mjs bin/aoai --help`: appends the path of every ES module
// file Node loads to $AOAI_BENCH_LOADS_FILE, so the bench can say which dist/ chunks a command reads.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const file = process.env.AOAI_BENCH_LOADS_FILE;
export async function load(url, context, next) {
  if (file && url.startsWith('file:')) appendFileSync(file, fileURLToPath(url) + '\\n');
  return next(url, context);
}`),
);
