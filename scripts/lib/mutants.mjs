// The mutants `npm run mutate` plants: small, syntactically valid edits to the TypeScript source,
// found with the TypeScript parser so every one is a real expression or statement change (never a
// comment, a type or an import). Ids are `path:line:column:kind` (position of the changed token),
// stable while the line does not move, so a report can cite them and `--only` can re-run them.
import ts from 'typescript';

const FLIPPED = {
  [ts.SyntaxKind.EqualsEqualsEqualsToken]: ['!==', 'eq-flip'],
  [ts.SyntaxKind.ExclamationEqualsEqualsToken]: ['===', 'eq-flip'],
  [ts.SyntaxKind.EqualsEqualsToken]: ['!=', 'eq-flip'],
  [ts.SyntaxKind.ExclamationEqualsToken]: ['==', 'eq-flip'],
  [ts.SyntaxKind.LessThanToken]: ['<=', 'boundary'],
  [ts.SyntaxKind.LessThanEqualsToken]: ['<', 'boundary'],
  [ts.SyntaxKind.GreaterThanToken]: ['>=', 'boundary'],
  [ts.SyntaxKind.GreaterThanEqualsToken]: ['>', 'boundary'],
  [ts.SyntaxKind.AmpersandAmpersandToken]: ['||', 'logic-flip'],
  [ts.SyntaxKind.BarBarToken]: ['&&', 'logic-flip'],
  [ts.SyntaxKind.QuestionQuestionToken]: ['&&', 'nullish-to-and'],
  [ts.SyntaxKind.PlusToken]: ['-', 'arith-flip'],
  [ts.SyntaxKind.MinusToken]: ['+', 'arith-flip'],
  [ts.SyntaxKind.AsteriskToken]: ['/', 'arith-flip'],
  [ts.SyntaxKind.SlashToken]: ['*', 'arith-flip'],
  [ts.SyntaxKind.PlusEqualsToken]: ['-=', 'arith-flip'],
  [ts.SyntaxKind.MinusEqualsToken]: ['+=', 'arith-flip'],
};
const COMPARISONS = new Set([
  ts.SyntaxKind.LessThanToken,
  ts.SyntaxKind.LessThanEqualsToken,
  ts.SyntaxKind.GreaterThanToken,
  ts.SyntaxKind.GreaterThanEqualsToken,
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
]);
/** Methods whose twin does a plausible but wrong thing. */
const METHOD_SWAPS = { some: 'every', every: 'some', startsWith: 'endsWith', endsWith: 'startsWith', min: 'max', max: 'min', trimStart: 'trimEnd', trimEnd: 'trimStart' };

function isStringish(node) {
  return ts.isStringLiteral(node) || ts.isTemplateExpression(node) || ts.isNoSubstitutionTemplateLiteral(node);
}

/** A string literal whose text is code, not a value: module names, types, property names. */
function isStructuralString(node) {
  const parent = node.parent;
  if (ts.isImportDeclaration(parent) || ts.isExportDeclaration(parent) || ts.isExternalModuleReference(parent)) return true;
  if (ts.isLiteralTypeNode(parent) || ts.isPropertyAssignment(parent) && parent.name === node) return true;
  if (ts.isPropertySignature(parent) || ts.isPropertyDeclaration(parent) && parent.name === node) return true;
  if (ts.isMethodDeclaration(parent) || ts.isEnumMember(parent) && parent.name === node) return true;
  if (ts.isCallExpression(parent) && parent.expression.kind === ts.SyntaxKind.ImportKeyword) return true;
  if (ts.isExpressionStatement(parent)) return true; // 'use strict'
  return false;
}

/** Every mutant in one file: { file, start, end, replacement, kind, line, column, original }. */
export function mutantsOf(file, text) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found = [];
  const add = (node, replacement, kind, at = node) => {
    const start = node.getStart(source);
    const position = source.getLineAndCharacterOfPosition(at.getStart(source));
    found.push({ file, start, end: node.end, replacement, kind, line: position.line + 1, column: position.character + 1, original: text.slice(start, node.end) });
  };
  const visit = (node) => {
    if (ts.isTypeNode(node) || ts.isImportDeclaration(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return;
    if (ts.isBinaryExpression(node)) {
      const operator = node.operatorToken.kind;
      const flip = FLIPPED[operator];
      const concatenation = (operator === ts.SyntaxKind.PlusToken || operator === ts.SyntaxKind.PlusEqualsToken) && (isStringish(node.left) || isStringish(node.right));
      if (flip && !concatenation) add(node.operatorToken, flip[0], flip[1]);
      if (COMPARISONS.has(operator)) {
        for (const side of [node.left, node.right]) {
          if (ts.isNumericLiteral(side)) add(side, String(Number(side.text) + 1), 'number-bump');
        }
      }
    }
    if (ts.isIfStatement(node)) {
      add(node.expression, 'true', 'cond-true');
      add(node.expression, 'false', 'cond-false');
    }
    if (ts.isConditionalExpression(node)) {
      add(node.condition, '(true)', 'ternary-true');
      add(node.condition, '(false)', 'ternary-false');
    }
    if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) {
      add(node, `(${node.operand.getText(source)})`, 'not-drop');
    }
    if (node.kind === ts.SyntaxKind.TrueKeyword) add(node, 'false', 'bool-flip');
    if (node.kind === ts.SyntaxKind.FalseKeyword) add(node, 'true', 'bool-flip');
    if (ts.isStringLiteral(node) && node.text.length > 0 && !isStructuralString(node)) add(node, "''", 'string-empty');
    if (ts.isExpressionStatement(node)) {
      const expression = ts.isAwaitExpression(node.expression) ? node.expression.expression : node.expression;
      if (ts.isCallExpression(expression) && expression.expression.kind !== ts.SyntaxKind.SuperKeyword) add(node, ';', 'call-drop');
    }
    if (ts.isPropertyAccessExpression(node) && ts.isCallExpression(node.parent) && node.parent.expression === node) {
      const twin = METHOD_SWAPS[node.name.text];
      if (twin) add(node.name, twin, 'method-swap');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const ids = new Set();
  return found
    .map((mutant) => ({ ...mutant, id: `${file}:${mutant.line}:${mutant.column}:${mutant.kind}` }))
    .filter((mutant) => (ids.has(mutant.id) ? false : ids.add(mutant.id)))
    .sort((a, b) => a.start - b.start || a.id.localeCompare(b.id));
}

export function applyMutant(text, mutant) {
  return text.slice(0, mutant.start) + mutant.replacement + text.slice(mutant.end);
}

/** A deterministic pseudo-random generator (mulberry32), so `--seed S` always picks the same sample. */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `size` mutants, spread over the folders in proportion to how many each has, with at least
 * MIN_PER_FOLDER from each so a small folder's score rests on more than two or three mutants.
 */
const MIN_PER_FOLDER = 6;

export function sampleMutants(mutants, size, seed, folderOf) {
  if (size >= mutants.length) return mutants;
  const random = seededRandom(seed);
  const byFolder = new Map();
  for (const mutant of mutants) {
    const folder = folderOf(mutant.file);
    if (!byFolder.has(folder)) byFolder.set(folder, []);
    byFolder.get(folder).push(mutant);
  }
  const picked = [];
  for (const group of byFolder.values()) {
    const share = Math.max(Math.min(MIN_PER_FOLDER, size), Math.round((size * group.length) / mutants.length));
    const shuffled = [...group];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    picked.push(...shuffled.slice(0, share));
  }
  return picked.sort((a, b) => a.file.localeCompare(b.file) || a.start - b.start);
}
