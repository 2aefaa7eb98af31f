// `node --require ./bench/lib/record-loads.cjs bin/aoai --help`: appends the path of every file the
// process loads — ES modules (a loader hook), CommonJS modules and files read with fs.readFileSync —
// to $AOAI_BENCH_LOADS_FILE, so the bench can say which dist/ files a command reads.
const { appendFileSync } = require('node:fs');
const fs = require('node:fs');
const { register } = require('node:module');

const file = process.env.AOAI_BENCH_LOADS_FILE;
if (file) {
  register(
    'data:text/javascript,' +
      encodeURIComponent(`
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(${JSON.stringify(file)}, fileURLToPath(url) + '\\n');
  return next(url, context);
}`),
  );
  const readFileSync = fs.readFileSync;
  fs.readFileSync = function recordedReadFileSync(path, ...rest) {
    if (typeof path === 'string') appendFileSync(file, `${path}\n`);
    return readFileSync.call(this, path, ...rest);
  };
  process.on('exit', () => appendFileSync(file, Object.keys(require.cache).join('\n') + '\n'));
}
