// Preloaded (NODE_OPTIONS=--require) into a benchmarked Node process: on exit, append its peak
// resident set size in KiB to $AOAI_BENCH_RSS_FILE. Used only for memory runs, never timing runs.
const { appendFileSync } = require('node:fs');
const file = process.env.AOAI_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    appendFileSync(file, `${process.resourceUsage().maxRSS}\n`);
  });
}
