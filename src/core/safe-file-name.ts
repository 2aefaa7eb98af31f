// File names derived from prompts or model output ("a cat.png", a title the model chose) must
// stay inside the directory the user picked: no separators, no `..`, no control characters, no
// names Windows reserves, bounded length. Use safeFileName() for the name and fileInside() for the
// final path; writers still create the file exclusively (writeFileAtomic's `exclusive`).
import { basename, extname, isAbsolute, relative, resolve } from 'node:path';
import { UsageError } from './errors.ts';

export interface SafeFileNameOptions {
  /** Extension to keep or add, with the dot (".png"); replaces whatever the text ended with. */
  extension?: string;
  /** Longest name in bytes, extension included (default 80; file systems allow 255). */
  maxBytes?: number;
  /** Used when nothing usable is left of the text (default "output"). */
  fallback?: string;
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

/**
 * A portable file name from free text: words joined by "-", only letters, digits and `-_.`,
 * never starting with a dot or dash, never `.`/`..`, cut at a character boundary.
 * `safeFileName('../../etc/passwd: a cat!', { extension: '.png' })` → `etc-passwd-a-cat.png`.
 */
export function safeFileName(text: string, options: SafeFileNameOptions = {}): string {
  const extension = sanitizeExtension(options.extension);
  const maxBytes = Math.max(8, options.maxBytes ?? 80);
  const fallback = options.fallback ?? 'output';
  let stem = text
    .normalize('NFKC')
    // Anything that is not a letter, digit, or one of "_-." becomes a word break:
    // separators, quotes, control characters, spaces, shell metacharacters.
    .replace(/[^\p{L}\p{N}_.-]+/gu, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  if (extension && stem.toLowerCase().endsWith(extension.toLowerCase())) stem = stem.slice(0, -extension.length).replace(/[-.]+$/, '');
  stem = cutToBytes(stem, maxBytes - Buffer.byteLength(extension)).replace(/[-.]+$/, '');
  if (!stem || WINDOWS_RESERVED.test(stem.split('.')[0]!)) stem = stem ? `${stem}-file` : sanitizeFallback(fallback);
  return `${stem}${extension}`;
}

/**
 * The path of `name` inside `dir`, refusing anything that would land elsewhere (an absolute
 * name, `..`, a separator). Callers pass names from safeFileName() or from the user.
 */
export function fileInside(dir: string, name: string): string {
  const target = resolve(dir, name);
  const rel = relative(resolve(dir), target);
  if (!rel || rel.startsWith('..') || isAbsolute(rel) || basename(target) !== rel) {
    throw new UsageError(`refusing to write '${name}': it would land outside ${dir}`);
  }
  return target;
}

/** `name`, or `name-2`, `name-3`… before the extension: the first that `exists` says is free. */
export function firstFreeName(name: string, exists: (candidate: string) => boolean, limit = 10_000): string {
  if (!exists(name)) return name;
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 2; n <= limit; n++) {
    const candidate = `${stem}-${n}${ext}`;
    if (!exists(candidate)) return candidate;
  }
  throw new UsageError(`no free file name like '${name}' after ${limit} tries`);
}

function sanitizeExtension(extension: string | undefined): string {
  if (!extension) return '';
  const clean = extension.replace(/^\.+/, '').replace(/[^A-Za-z0-9]/g, '').slice(0, 10);
  return clean ? `.${clean}` : '';
}

function sanitizeFallback(fallback: string): string {
  return fallback.replace(/[^A-Za-z0-9_-]/g, '') || 'output';
}

function cutToBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let out = '';
  for (const char of text) {
    if (Buffer.byteLength(out + char) > maxBytes) break;
    out += char;
  }
  return out;
}
