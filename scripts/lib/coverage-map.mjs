// Which test file reaches which source line, for `npm run mutate`. The end-to-end tests spawn
// bin/aoai, which runs the bundle in dist/, so their reach cannot come from the import graph: the
// suite runs once with NODE_V8_COVERAGE pointed at one directory per test file (the spawned CLIs
// inherit it), and the bundle's V8 block coverage is mapped back to src/ lines through its source map.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_VALUE = new Map([...BASE64].map((char, index) => [char, index]));

function decodeVlq(segment) {
  const values = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64_VALUE.get(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/** Calls visit(generatedLine, generatedColumn, sourceIndex, originalLine) for every mapped segment. */
function eachMapping(mappings, visit) {
  let source = 0;
  let originalLine = 0;
  const lines = mappings.split(';');
  for (let generatedLine = 0; generatedLine < lines.length; generatedLine++) {
    let generatedColumn = 0;
    if (!lines[generatedLine]) continue;
    for (const segment of lines[generatedLine].split(',')) {
      const values = decodeVlq(segment);
      generatedColumn += values[0];
      if (values.length < 4) continue;
      source += values[1];
      originalLine += values[2];
      visit(generatedLine, generatedColumn, source, originalLine);
    }
  }
}

/** The bundle's mapped points that come from src/: offsets (ascending) and the source line of each. */
export function mappedPoints(distDir, root) {
  const scripts = new Map();
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.js') && existsSync(`${path}.map`)) scripts.set(path, pointsOf(path, root));
    }
  };
  walk(distDir);
  return scripts;
}

function pointsOf(path, root) {
  const map = JSON.parse(readFileSync(`${path}.map`, 'utf8'));
  const text = readFileSync(path, 'utf8');
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const sources = map.sources.map((source) => relative(root, resolve(dirname(path), map.sourceRoot ?? '', source)));
  const points = [];
  eachMapping(map.mappings, (generatedLine, generatedColumn, source, originalLine) => {
    const file = sources[source];
    if (file?.startsWith('src/')) points.push({ offset: lineStarts[generatedLine] + generatedColumn, file, line: originalLine + 1 });
  });
  points.sort((a, b) => a.offset - b.offset);
  return points;
}

/**
 * Marks in `hit` the points some function or block of this process executed. V8 reports nested
 * ranges (function, then its blocks); the innermost range around a point holds its count.
 */
function markExecuted(points, functions, hit) {
  const ranges = functions.flatMap((fn) => fn.ranges).sort((a, b) => a.startOffset - b.startOffset || b.endOffset - a.endOffset);
  const open = [];
  let next = 0;
  for (let i = 0; i < points.length; i++) {
    const offset = points[i].offset;
    while (next < ranges.length && ranges[next].startOffset <= offset) {
      const range = ranges[next++];
      while (open.length && open.at(-1).endOffset <= range.startOffset) open.pop();
      open.push(range);
    }
    while (open.length && open.at(-1).endOffset <= offset) open.pop();
    if (open.length && open.at(-1).count > 0) hit[i] = 1;
  }
}

/**
 * Source lines executed by the processes that wrote these coverage files, for the bundle whose
 * points mappedPoints() found: Map<sourceFile, Set<line>>.
 */
export function linesExecuted(files, scripts) {
  const hits = new Map();
  for (const file of files) {
    let report;
    try {
      report = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      continue; // a process killed while writing its report
    }
    for (const script of report.result ?? []) {
      if (!script.url.startsWith('file://')) continue;
      const points = scripts.get(fileURLToPath(script.url));
      if (!points) continue;
      if (!hits.has(points)) hits.set(points, new Uint8Array(points.length));
      markExecuted(points, script.functions, hits.get(points));
    }
  }
  const lines = new Map();
  for (const [points, hit] of hits) {
    points.forEach((point, i) => {
      if (!hit[i]) return;
      if (!lines.has(point.file)) lines.set(point.file, new Set());
      lines.get(point.file).add(point.line);
    });
  }
  return lines;
}

/** For every test file, the src/ files it imports, directly or through helpers and other src files. */
export function staticReach(root, testFiles) {
  const importsOf = new Map();
  const imports = (file) => {
    if (importsOf.has(file)) return importsOf.get(file);
    const found = [];
    importsOf.set(file, found);
    const path = join(root, file);
    if (!existsSync(path)) return found;
    for (const { fileName } of ts.preProcessFile(readFileSync(path, 'utf8'), true, true).importedFiles) {
      if (!fileName.startsWith('.')) continue;
      let target = relative(root, resolve(dirname(path), fileName));
      if (target.endsWith('.js') && existsSync(join(root, target.replace(/\.js$/, '.ts')))) target = target.replace(/\.js$/, '.ts');
      found.push(target);
    }
    return found;
  };
  const reach = new Map();
  for (const test of testFiles) {
    const seen = new Set();
    const queue = [test];
    while (queue.length) {
      const file = queue.pop();
      for (const target of imports(file)) {
        if (seen.has(target)) continue;
        seen.add(target);
        queue.push(target);
      }
    }
    reach.set(test, new Set([...seen].filter((file) => file.startsWith('src/'))));
  }
  return reach;
}
