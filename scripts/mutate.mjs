#!/usr/bin/env node
// npm run mutate: plants one small bug at a time in src/core, src/responses, src/render and src/io,
// rebuilds dist/ and runs the tests that reach the changed line. A mutant no test notices is a gap
// in the suite, or an equivalent change (listed, with the reason, in docs/development.md).
//
// Why not Stryker: its mutants are switched on inside the test process, but the end-to-end tests
// spawn bin/aoai on a bundle, and Stryker's per-test coverage cannot see into those children, so
// every mutant would need the whole suite (~90 s idle, minutes on a loaded 2-core machine).
// Here each mutant is a real edit, bundled like a release, and the coverage of one instrumented
// run says which test files can reach it.
//
// Everything happens in a scratch copy of the checkout (node_modules linked), never in the worktree.
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { linesExecuted, mappedPoints, staticReach } from './lib/coverage-map.mjs';
import { applyMutant, mutantsOf, sampleMutants } from './lib/mutants.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const FOLDERS = ['src/core', 'src/responses', 'src/render', 'src/io'];
const DEFAULT_SAMPLE = 48;
/** The coverage bucket of a test file's CLIs that ran outside any one test (beforeAll, afterAll). */
const FILE_LEVEL = '';
const USAGE = `usage: npm run mutate -- [options]

Plants one small bug (a mutant) at a time in ${FOLDERS.join(', ')},
rebuilds dist/ in a scratch copy of the checkout and runs the test files that reach the
changed line: unit and emulator tests that import the file, and end-to-end tests whose
spawned CLI executed that line in a coverage run of the suite (cached in --out). A mutant
is killed when a test fails (or the run times out), survived when all pass, and "no
coverage" when no test reaches it.

options:
  --sample N      how many mutants to run, spread over the folders in proportion, at
                  least 6 from each (default ${DEFAULT_SAMPLE}, some 50 mutants: an hour or more on a
                  busy 2-core machine, with the coverage run; 0 = every mutant)
  --seed S        which deterministic sample to take (default 1)
  --file PATH     only mutants in this file (all of them unless --sample is given)
  --only ID       only this mutant (repeatable, or comma-separated); ids come from --list
  --test PATH     run these test files (repeatable) for each mutant instead of the ones the
                  coverage map picks, e.g. to check that a new test kills a survivor
  --list          print the ids of the mutants that would run, and exit
  --timeout SEC   per test run of one mutant; a run that exceeds it counts as killed (default 600)
  --refresh-map   redo the coverage run (it is redone by itself when src/ changes)
  --out DIR       where report.json, report.md and the coverage map go (default .mutate/)
  -h, --help      this text

Runs niced (nice -n 10) and serially. Not part of npm test.`;

const { values: flags } = parseArgs({
  options: {
    sample: { type: 'string' },
    seed: { type: 'string', default: '1' },
    file: { type: 'string' },
    only: { type: 'string', multiple: true },
    test: { type: 'string', multiple: true },
    list: { type: 'boolean', default: false },
    timeout: { type: 'string', default: '600' },
    'refresh-map': { type: 'boolean', default: false },
    out: { type: 'string', default: join(root, '.mutate') },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}
const toCount = (name, text) => {
  if (!/^\d+$/.test(text)) {
    console.error(`mutate: --${name} wants a whole number, got ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return Number(text);
};
const seed = toCount('seed', flags.seed);
const timeoutMs = toCount('timeout', flags.timeout) * 1000;

const folderOf = (file) => FOLDERS.find((folder) => file.startsWith(`${folder}/`));
const gitFiles = (...paths) =>
  execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z', ...paths], { cwd: root })
    .toString()
    .split('\0')
    // node_modules is linked, not copied (a linked node_modules is not ignored by `node_modules/`).
    .filter((file) => file && file !== 'node_modules' && existsSync(join(root, file)));

// ---- which mutants
const sourceFiles = gitFiles(...FOLDERS).filter((file) => file.endsWith('.ts'));
const allMutants = sourceFiles.flatMap((file) => mutantsOf(file, readFileSync(join(root, file), 'utf8')));
let chosen = allMutants;
if (flags.file) {
  const file = flags.file.replace(/^\.\//, '');
  chosen = chosen.filter((mutant) => mutant.file === file);
  if (!chosen.length) fail(`no mutants in ${flags.file} (the folders are ${FOLDERS.join(', ')})`);
}
if (flags.only) {
  const ids = new Set(flags.only.flatMap((value) => value.split(',')).map((id) => id.trim()));
  chosen = chosen.filter((mutant) => ids.delete(mutant.id));
  if (ids.size) fail(`no such mutant: ${[...ids].join(', ')} (see --list)`);
}
const sampleSize = flags.sample !== undefined ? toCount('sample', flags.sample) : flags.file || flags.only ? 0 : DEFAULT_SAMPLE;
if (sampleSize > 0) chosen = sampleMutants(chosen, sampleSize, seed, folderOf);
if (flags.list) {
  for (const mutant of chosen) console.log(`${mutant.id}\t${oneLine(mutant.original)} → ${mutant.replacement}`);
  console.error(`${chosen.length} of ${allMutants.length} mutants`);
  process.exit(0);
}

function fail(message) {
  console.error(`mutate: ${message}`);
  process.exit(2);
}
function oneLine(text) {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 70 ? `${flat.slice(0, 69)}…` : flat;
}

// ---- the scratch copy
const scratch = mkdtempSync(join(tmpdir(), 'aoai-mutate-'));
let running; // the build or test run under way, ended with the script
const cleanup = () => {
  if (running?.exitCode === null) process.kill(-running.pid, 'SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
};
process.on('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));
for (const file of gitFiles()) {
  mkdirSync(dirname(join(scratch, file)), { recursive: true });
  copyFileSync(join(root, file), join(scratch, file));
}
symlinkSync(join(root, 'node_modules'), join(scratch, 'node_modules'));
mkdirSync(flags.out, { recursive: true });

const testFiles = gitFiles('test').filter((file) => file.endsWith('.test.ts')).sort();
for (const test of flags.test ?? []) if (!testFiles.includes(test.replace(/^\.\//, ''))) fail(`no such test file: ${test}`);
const map = flags.test ? undefined : await coverageMap();
const reach = staticReach(scratch, testFiles);

// ---- run the mutants
const results = [];
const started = new Date();
console.error(`mutate: ${chosen.length} of ${allMutants.length} mutants (seed ${seed}); scratch copy in ${scratch}`);
for (const [index, mutant] of chosen.entries()) {
  const began = Date.now();
  const result = await runMutant(mutant);
  result.seconds = Math.round((Date.now() - began) / 1000);
  results.push(result);
  console.error(`[${index + 1}/${chosen.length}] ${result.status.padEnd(11)} ${mutant.id} (${result.seconds} s)${result.killedBy ? ` by ${result.killedBy}` : ''}`);
  writeReport();
}
const summary = writeReport();
console.log(summaryTable(summary));
console.log(`report: ${join(flags.out, 'report.md')}`);

async function runMutant(mutant) {
  const path = join(scratch, mutant.file);
  const original = readFileSync(path, 'utf8');
  const result = { id: mutant.id, file: mutant.file, line: mutant.line, kind: mutant.kind, original: mutant.original, replacement: mutant.replacement, diff: diffOf(original, mutant) };
  const { unit, targeted, whole } = flags.test ? { unit: [], targeted: [], whole: flags.test.map((test) => test.replace(/^\.\//, '')) } : testsFor(mutant);
  result.tests = [...unit, ...targeted.map(({ file, name }) => `${file} › ${name}`), ...whole];
  if (!result.tests.length) return { ...result, status: 'no-coverage' };
  writeFileSync(path, applyMutant(original, mutant));
  try {
    const build = await run(['node', 'scripts/build.mjs'], 120_000);
    if (build.code !== 0) return { ...result, status: 'build-error', detail: build.output.slice(-400) };
    const phases = [
      { files: unit },
      { files: [...new Set(targeted.map(({ file }) => file))], extra: ['--testNamePattern', namePattern(targeted.map(({ name }) => name))] },
      { files: whole },
    ];
    for (const { files, extra } of phases) {
      if (!files.length) continue;
      const outcome = await vitest(files, { extra });
      if (outcome.status !== 'survived') return { ...result, ...outcome };
    }
    return { ...result, status: 'survived' };
  } finally {
    writeFileSync(path, original);
  }
}

/**
 * The unit test files that import the file (run first: quick), then the tests whose spawned CLI
 * executed the changed lines: each test by name, or the whole file when the CLI ran outside any
 * one test (from a beforeAll). The emulator's own tests import no code from these folders but
 * src/core/redact.ts, which they only reach in-process; the unit tests cover that.
 */
function testsFor(mutant) {
  const last = mutant.line + (mutant.original.match(/\n/g)?.length ?? 0);
  const unit = [];
  const targeted = [];
  const whole = [];
  for (const test of testFiles) {
    if (map.failing.includes(test)) continue;
    if (test.startsWith('test/unit/')) {
      if (reach.get(test)?.has(mutant.file)) unit.push(test);
      continue;
    }
    for (const [name, files] of Object.entries(map.reach[test] ?? {})) {
      const executes = (files[mutant.file] ?? []).some((line) => line >= mutant.line && line <= last);
      if (!executes) continue;
      if (name === FILE_LEVEL) {
        whole.push(test);
        break;
      }
      targeted.push({ file: test, name });
    }
  }
  return { unit, targeted: targeted.filter(({ file }) => !whole.includes(file)), whole };
}

/** vitest matches -t against "file describe… test"; the names are matched whole, at the end. */
function namePattern(names) {
  const escape = (name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return `(?:^| )(?:${[...new Set(names)].map(escape).join('|')})$`;
}

async function vitest(files, { extra = [], limitMs = timeoutMs } = {}) {
  const outputFile = join(scratch, '.mutate-vitest.json');
  rmSync(outputFile, { force: true });
  const bail = files.length ? ['--bail', '1'] : []; // a mutant needs one failure; the coverage run needs them all
  const outcome = await run(['node', 'node_modules/vitest/vitest.mjs', 'run', ...bail, '--reporter=json', `--outputFile=${outputFile}`, ...extra, ...files], limitMs);
  if (outcome.timedOut) return { status: 'timeout', killedBy: `no answer within ${timeoutMs / 1000} s` };
  const report = existsSync(outputFile) ? JSON.parse(readFileSync(outputFile, 'utf8')) : undefined;
  if (outcome.code === 0) return { status: 'survived', report };
  const failed = report?.testResults?.flatMap((file) => file.assertionResults.filter((test) => test.status === 'failed').map((test) => `${file.name.slice(scratch.length + 1)} › ${test.fullName}`));
  const failedFile = report?.testResults?.find((file) => file.status === 'failed');
  // A non-zero exit with nothing failed and nothing run: the selection matched no test (a bug here, not a kill).
  if (report && !failed?.length && !failedFile && report.numPassedTests === 0) return { status: 'selection-error', killedBy: oneLine(outcome.output.slice(-300)) };
  return { status: 'killed', report, killedBy: failed?.[0] ?? (failedFile ? `${failedFile.name.slice(scratch.length + 1)}: ${oneLine(failedFile.message ?? 'failed')}` : `vitest exited ${outcome.code}: ${oneLine(outcome.output.slice(-200))}`) };
}

function run(command, limitMs) {
  return new Promise((resolvePromise) => {
    const childEnv = { ...process.env };
    delete childEnv.NODE_V8_COVERAGE; // the coverage run sets it per test file, for the CLIs only
    const child = spawn('nice', ['-n', '10', ...command], { cwd: scratch, env: childEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    running = child;
    let output = '';
    const keep = (chunk) => {
      output = (output + chunk).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid, 'SIGKILL');
    }, limitMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, timedOut, output });
    });
  });
}

// ---- the coverage map (cached in --out while src/ and the build are unchanged)
async function coverageMap() {
  const digest = (...paths) => {
    const hash = createHash('sha256');
    for (const file of gitFiles(...paths).sort()) hash.update(file).update(readFileSync(join(root, file)));
    return hash.digest('hex');
  };
  // A change to src/ moves lines: the map must be redone. A change to test/ only means tests
  // added since are not picked for end-to-end runs (unit tests are found by their imports).
  const key = digest('src', 'scripts/build.mjs', 'vitest.config.ts', 'package-lock.json');
  const testsKey = digest('test');
  const cached = join(flags.out, 'coverage-map.json');
  if (!flags['refresh-map'] && existsSync(cached)) {
    const map = JSON.parse(readFileSync(cached, 'utf8'));
    if (map.key === key) {
      if (map.testsKey !== testsKey) console.error('mutate: test/ changed since the coverage run; end-to-end tests added since are not picked (--refresh-map picks them)');
      return map;
    }
  }
  console.error('mutate: coverage run of the whole suite (once per change to src/ or test/) …');
  // The map's bundle carries source maps; the mutants' bundles are built exactly as a release.
  const buildScript = join(scratch, 'scripts/build.mjs');
  const buildText = readFileSync(buildScript, 'utf8');
  if (!buildText.includes('sourcemap: false,')) fail('scripts/build.mjs no longer says `sourcemap: false,`; update scripts/mutate.mjs');
  writeFileSync(buildScript, buildText.replace('sourcemap: false,', 'sourcemap: true,'));
  const build = await run(['node', 'scripts/build.mjs'], 300_000);
  writeFileSync(buildScript, buildText);
  if (build.code !== 0) fail(`the build failed:\n${build.output}`);
  const coverageDir = join(scratch, '.mutate-coverage');
  writeFileSync(
    join(scratch, 'test/mutate-coverage.setup.ts'),
    `import { beforeAll, beforeEach, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
// Every CLI a test spawns writes its V8 coverage to a directory named after the test (the CLIs
// a beforeAll spawns, to one named after the file). A test that spawns with an environment built
// in beforeAll writes to the file's directory: the map tells its CLIs apart by when they ended.
let fileDir = '';
let started = 0;
beforeAll(() => {
  const file = relative(process.cwd(), expect.getState().testPath ?? 'unknown');
  fileDir = join(${JSON.stringify(coverageDir)}, file.replaceAll('/', '__'));
  mkdirSync(fileDir, { recursive: true });
  process.env.NODE_V8_COVERAGE = join(fileDir, 'file-level');
});
beforeEach(({ task }) => {
  const names: string[] = [];
  for (let t: { name: string; suite?: unknown; filepath?: string } | undefined = task; t && t.filepath === undefined; t = t.suite as typeof t) names.unshift(t.name);
  const name = names.join(' ');
  const key = createHash('sha1').update(name).digest('hex').slice(0, 16);
  started = Date.now();
  process.env.NODE_V8_COVERAGE = join(fileDir, 'test-' + key);
  return () => {
    appendFileSync(join(fileDir, 'names.jsonl'), JSON.stringify({ key, name, started, ended: Date.now() }) + '\\n');
    process.env.NODE_V8_COVERAGE = join(fileDir, 'file-level');
  };
});
`,
  );
  writeFileSync(
    join(scratch, 'vitest.mutate.config.ts'),
    `import { mergeConfig } from 'vitest/config';
import base from './vitest.config.ts';
export default mergeConfig(base, { test: { setupFiles: ['test/mutate-coverage.setup.ts'] } });
`,
  );
  const began = Date.now();
  const outcome = await vitest([], { extra: ['--config', 'vitest.mutate.config.ts'], limitMs: Math.max(timeoutMs, 3_600_000) });
  if (outcome.status === 'timeout') fail('the coverage run took over an hour');
  if (!outcome.report) fail(`the coverage run wrote no report:\n${outcome.killedBy}`);
  const failing = outcome.report.testResults.filter((file) => file.status === 'failed').map((file) => file.name.slice(scratch.length + 1));
  if (failing.length > testFiles.length / 4) fail(`the coverage run failed in ${failing.length} test files (${failing.slice(0, 5).join(', ')} …):\n${outcome.killedBy}`);
  const points = mappedPoints(join(scratch, 'dist'), scratch);
  const reach = {};
  const asObject = (executed) => Object.fromEntries([...executed].map(([file, set]) => [file, [...set].sort((a, b) => a - b)]));
  for (const test of testFiles) {
    const dir = join(coverageDir, test.replaceAll('/', '__'));
    if (!existsSync(dir)) continue;
    const runs = existsSync(join(dir, 'names.jsonl')) ? readFileSync(join(dir, 'names.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)) : [];
    const filesOf = new Map([[FILE_LEVEL, []]]);
    const add = (name, file) => (filesOf.get(name) ?? filesOf.set(name, []).get(name)).push(file);
    for (const { key, name } of runs) for (const file of jsonFiles(join(dir, `test-${key}`))) add(name, file);
    // coverage-PID-TIMESTAMP-N.json: the CLI ended at TIMESTAMP, inside the test that spawned it.
    for (const file of jsonFiles(join(dir, 'file-level'))) {
      const ended = Number(/coverage-\d+-(\d+)-\d+\.json$/.exec(file)?.[1]);
      add(runs.find((run) => ended >= run.started && ended <= run.ended)?.name ?? FILE_LEVEL, file);
    }
    reach[test] = Object.fromEntries([...filesOf].map(([name, files]) => [name, asObject(linesExecuted(files, points))]).filter(([name, lines]) => name === FILE_LEVEL || Object.keys(lines).length));
  }
  rmSync(coverageDir, { recursive: true, force: true });
  rmSync(join(scratch, 'test/mutate-coverage.setup.ts'));
  rmSync(join(scratch, 'vitest.mutate.config.ts'));
  const map = { key, testsKey, made: new Date().toISOString(), seconds: Math.round((Date.now() - began) / 1000), failing, reach };
  writeFileSync(cached, JSON.stringify(map));
  if (failing.length) console.error(`mutate: these test files fail without any mutant and are left out: ${failing.join(', ')}`);
  return map;
}

function jsonFiles(dir) {
  return existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.json')).map((name) => join(dir, name)) : [];
}

// ---- the report
function diffOf(text, mutant) {
  const lineStart = text.lastIndexOf('\n', mutant.start - 1) + 1;
  const lineEnd = text.indexOf('\n', mutant.end);
  const before = text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
  const after = applyMutant(text, mutant).slice(lineStart, lineEnd === -1 ? undefined : lineEnd - (mutant.end - mutant.start) + mutant.replacement.length);
  const prefix = (sign, block) => block.split('\n').map((line) => `${sign} ${line}`).join('\n');
  return `${prefix('-', before)}\n${prefix('+', after)}`;
}

function writeReport() {
  const folders = {};
  for (const folder of [...FOLDERS, 'total']) folders[folder] = { killed: 0, timeout: 0, survived: 0, 'no-coverage': 0, 'build-error': 0, 'selection-error': 0 };
  for (const result of results) {
    folders[folderOf(result.file)][result.status]++;
    folders.total[result.status]++;
  }
  for (const counts of Object.values(folders)) {
    const scored = counts.killed + counts.timeout + counts.survived + counts['no-coverage'];
    counts.score = scored ? Math.round((1000 * (counts.killed + counts.timeout)) / scored) / 10 : null;
  }
  const summary = { started: started.toISOString(), finished: new Date().toISOString(), seed, sample: chosen.length, of: allMutants.length, node: process.version, folders, failingWithoutMutants: map?.failing ?? [], tests: flags.test ?? 'from the coverage map' };
  writeFileSync(join(flags.out, 'report.json'), JSON.stringify({ ...summary, results: results.map(({ report: _report, ...rest }) => rest) }, null, 2));
  const survivors = results.filter((result) => result.status === 'survived' || result.status === 'no-coverage');
  const markdown = [
    `# Mutation run ${summary.started.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `${chosen.length} of ${allMutants.length} mutants, seed ${seed}, Node ${process.version}.`,
    '',
    summaryTable(summary),
    '',
    '## Survivors',
    '',
    ...survivors.flatMap((result) => [`### ${result.id} (${result.status})`, '', `tests run: ${result.tests.join(', ') || 'none'}`, '', '```diff', result.diff, '```', '']),
    '## Every mutant',
    '',
    '| mutant | result | by |',
    '|---|---|---|',
    ...results.map((result) => `| \`${result.id}\` | ${result.status} | ${(result.killedBy ?? '').replaceAll('|', '\\|')} |`),
    '',
  ].join('\n');
  writeFileSync(join(flags.out, 'report.md'), markdown);
  return summary;
}

function summaryTable(summary) {
  const rows = Object.entries(summary.folders).map(([folder, c]) => `| ${folder} | ${c.killed} | ${c.timeout} | ${c.survived} | ${c['no-coverage']} | ${c['build-error']} | ${c.score ?? '–'} % |`);
  return ['| folder | killed | timed out | survived | no coverage | build error | score |', '|---|---|---|---|---|---|---|', ...rows].join('\n');
}
