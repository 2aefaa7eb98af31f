// The emulator's deterministic "model". Rules (documented in docs/emulator.md):
//   "… 500 words …"  → exactly that many words, a full stop every ~12 words, a blank line every ~5 sentences;
//                      "What is X in 100 words?" opens with "X is …"
//   "… story …"      → a fixed-seed story of about 400 words
//   anything else    → "Echo: <text>", plus "(turn N; earlier: "a", "b")" when earlier user turns exist
// Replies are produced lazily as tokens, so a two-million-word reply streams without being
// built up front. Tokens look like a real tokenizer's: a word with its leading space,
// punctuation on its own, newlines on their own, and characters outside the BMP split between
// two tokens at their surrogate pair (real byte-level tokenizers split multi-byte characters).

export const MAX_WORDS = 2_000_000;

const VOCABULARY = (
  'the a river stone light quiet morning signal carries across old valley under bright northern sky while ' +
  'engineers measure every stream of data through careful patient hands and small machines remember ' +
  'each word they hear before evening falls softly over distant hills where people gather stories ' +
  'about time water glass paper forest city road bridge window garden music number letter'
).split(' ');

const STORY_OPENINGS = [
  'Once upon a time, in a town beside a slow green river, there lived a clockmaker named Ada.',
  'Every morning she opened her shop before the bakers had lit their ovens.',
  'One winter a stranger arrived with a broken watch that ticked backwards.',
];

/** A reply: its tokens, produced on demand, and a rough length hint for usage accounting. */
export interface Reply {
  tokens(): Iterable<string>;
}

export function isReasoningModel(model: string): boolean {
  return /^(o\d|gpt-5)/i.test(model);
}

/**
 * Models that mark assistant messages with a `phase` ("final_answer" here): gpt-5.5 and later,
 * as the gpt-5.5 recording shows; the gpt-5.1 recordings carry none.
 */
export function sendsMessagePhase(model: string): boolean {
  const match = /^gpt-5\.(\d+)/i.exec(model);
  return match !== null && Number(match[1]) >= 5;
}

export function replyFor(text: string, history: readonly string[]): Reply {
  const wordCount = /(\d[\d,_]*)\s*words?\b/i.exec(text);
  if (wordCount) {
    const n = Math.min(MAX_WORDS, Number(wordCount[1]!.replace(/[,_]/g, '')));
    return { tokens: () => wordTokens(n, seedOf(text), openingFor(text)) };
  }
  if (/story/i.test(text)) {
    const story = makeStory(seedOf(text));
    return { tokens: () => tokenize(story) };
  }
  let echo = `Echo: ${text}`;
  if (history.length > 0) {
    echo += ` (turn ${history.length + 1}; earlier: ${history.map((h) => JSON.stringify(h)).join(', ')})`;
  }
  return { tokens: () => tokenize(echo) };
}

/** A fixed text as a reply (tool results, answers to function output). */
export function textReply(text: string): Reply {
  return { tokens: () => tokenize(text) };
}

/** Reasoning summary parts for a request: 1 for `concise`, 2 for `auto`/`detailed`. */
export function summaryParts(text: string, level: string): string[] {
  const topic = text.length > 80 ? `${text.slice(0, 77)}…` : text;
  const parts = [`**Understanding the request**\n\nThe user asks about "${topic}". I will read it carefully and answer directly.`];
  if (level !== 'concise') {
    parts.push(`**Planning the answer**\n\nI'll keep the reply short and deterministic, the way the emulator always does, so scripts can rely on it.`);
  }
  return parts;
}

const TOKEN = /\n|[ \t]*[^\s,.;!?]+|[ \t]*[,.;!?]|[ \t]+/gu;

export function* tokenize(text: string): Generator<string> {
  for (const match of text.matchAll(TOKEN)) yield* splitSurrogates(match[0]);
}

/** Split a token inside each surrogate pair, as a byte-level tokenizer splits a 4-byte character. */
function* splitSurrogates(token: string): Generator<string> {
  let start = 0;
  for (let i = 0; i < token.length - 1; i++) {
    const code = token.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      yield token.slice(start, i + 1);
      start = i + 1;
      i++;
    }
  }
  yield token.slice(start);
}

/**
 * What a word-count reply opens with: the subject of the question, so "What is this repo in 100
 * words?" answers "This repo is …" (the opening counts towards the words). Empty for a bare
 * "Write 500 words".
 */
export function openingFor(text: string): string[] {
  const limit = String.raw`(?:,?\s+in\s+(?:about\s+)?\d[\d,_]*\s*words?\b.*)$`;
  const question = new RegExp(String.raw`^\s*(?:what|who)\s+(is|are|was|were)\s+(.+?)` + limit, 'i').exec(text);
  if (question) return [...question[2]!.split(/\s+/), question[1]!.toLowerCase()];
  const about = new RegExp(String.raw`^\s*(?:describe|explain|summari[sz]e|tell me about)\s+(.+?)` + limit, 'i').exec(text);
  if (about) return about[1]!.split(/\s+/);
  return [];
}

function* wordTokens(count: number, seed: number, opening: readonly string[] = []): Generator<string> {
  const random = mulberry32(seed);
  let sentenceLength = 0;
  let sentences = 0;
  let startOfSentence = true;
  for (let i = 0; i < count; i++) {
    let word = i < opening.length ? opening[i]!.replace(/[?.!,;:]+$/, '') : VOCABULARY[Math.floor(random() * VOCABULARY.length)]!;
    if (startOfSentence) word = word[0]!.toUpperCase() + word.slice(1);
    const separator = i === 0 ? '' : startOfSentence && sentences % 5 === 0 ? '\n\n' : ' ';
    if (separator === '\n\n') {
      yield '\n\n';
      yield word;
    } else {
      yield separator + word;
    }
    startOfSentence = false;
    sentenceLength++;
    const last = i === count - 1;
    if (last || sentenceLength >= 8 + Math.floor(random() * 9)) {
      yield '.';
      sentenceLength = 0;
      sentences++;
      startOfSentence = true;
    }
  }
}

function makeStory(seed: number): string {
  const random = mulberry32(seed);
  const sentences = [...STORY_OPENINGS];
  let words = sentences.join(' ').split(' ').length;
  while (words < 400) {
    const length = 8 + Math.floor(random() * 10);
    const chosen: string[] = [];
    for (let i = 0; i < length; i++) chosen.push(VOCABULARY[Math.floor(random() * VOCABULARY.length)]!);
    chosen[0] = chosen[0]![0]!.toUpperCase() + chosen[0]!.slice(1);
    sentences.push(`${chosen.join(' ')}.`);
    words += length;
  }
  sentences.push('And the clock, at last, ticked forwards again. The end.');
  const paragraphs: string[] = [];
  for (let i = 0; i < sentences.length; i += 5) paragraphs.push(sentences.slice(i, i + 5).join(' '));
  return paragraphs.join('\n\n');
}

export function seedOf(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return hash >>> 0;
}

export function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Azure's token estimate is not exposed; a quarter of the characters is the usual rule of thumb. */
export function estimateTokens(characters: number): number {
  return Math.max(1, Math.ceil(characters / 4));
}
