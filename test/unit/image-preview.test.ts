/* eslint-disable no-control-regex -- these tests look for terminal escape sequences */
import { describe, expect, it } from 'vitest';
import { drawPicture } from '../../src/emulator/image/picture.ts';
import { encodePng } from '../../src/emulator/image/png.ts';
import { imageInfo } from '../../src/image/formats.ts';
import { ImagePreview, detectProtocol, itermSequence, kittySequence, previewCells, sixelSequence, type PreviewSink } from '../../src/image/preview.ts';

const png = encodePng(drawPicture('preview', 40, 20), { alpha: false });
const info = imageInfo(png)!;

describe('detectProtocol', () => {
  it('knows kitty, iTerm2-style and sixel terminals, and nothing else', () => {
    expect(detectProtocol({ TERM: 'xterm-kitty' })).toBe('kitty');
    expect(detectProtocol({ TERM: 'xterm-256color', KITTY_WINDOW_ID: '1' })).toBe('kitty');
    expect(detectProtocol({ TERM: 'xterm-ghostty' })).toBe('kitty');
    expect(detectProtocol({ TERM_PROGRAM: 'iTerm.app' })).toBe('iterm');
    expect(detectProtocol({ TERM_PROGRAM: 'WezTerm' })).toBe('iterm');
    expect(detectProtocol({ TERM: 'foot' })).toBe('sixel');
    expect(detectProtocol({ TERM: 'xterm-256color' })).toBeUndefined();
    expect(detectProtocol({ TERM: 'xterm-kitty', TMUX: '/tmp/tmux' })).toBeUndefined();
  });

  it('AOAI_IMAGE_PROTOCOL overrides', () => {
    expect(detectProtocol({ TERM: 'xterm-kitty', AOAI_IMAGE_PROTOCOL: 'none' })).toBeUndefined();
    expect(detectProtocol({ TERM: 'dumb', AOAI_IMAGE_PROTOCOL: 'sixel' })).toBe('sixel');
  });
});

describe('escape sequences', () => {
  it('previewCells keeps the aspect ratio (cells are twice as tall as wide) within 48×24', () => {
    expect(previewCells({ width: 1024, height: 1024 }, 200)).toEqual({ columns: 48, rows: 24 });
    expect(previewCells({ width: 1536, height: 1024 }, 200)).toEqual({ columns: 48, rows: 16 });
    expect(previewCells({ width: 1024, height: 1536 }, 200)).toEqual({ columns: 32, rows: 24 });
  });

  it('kitty: PNG in base64 chunks of at most 4096, m=1 on all but the last', () => {
    const big = Buffer.alloc(10_000, 7);
    const sequence = kittySequence(big, { columns: 10, rows: 5 });
    const parts = [...sequence.matchAll(/\x1b_G([^;]*);([^\x1b]*)\x1b\\/g)];
    expect(parts.map((p) => p[1])).toEqual(['a=T,f=100,q=2,C=1,c=10,r=5,m=1', 'm=1', 'm=1', 'm=0']);
    expect(parts.every((p) => p[2]!.length <= 4096)).toBe(true);
    expect(Buffer.from(parts.map((p) => p[2]).join(''), 'base64')).toEqual(big);
  });

  it('iTerm2: OSC 1337 with size, cells and the file in base64', () => {
    const sequence = itermSequence(png, { columns: 10, rows: 5 }, 'a.png');
    expect(sequence).toBe(`\x1b]1337;File=name=${Buffer.from('a.png').toString('base64')};size=${png.length};width=10;height=5;preserveAspectRatio=1;inline=1:${png.toString('base64')}\x07`);
  });

  it('sixel: DCS q with raster size, palette, bands, ST', () => {
    const sequence = sixelSequence(png);
    expect(sequence.startsWith('\x1bPq"1;1;40;20#')).toBe(true);
    expect(sequence.endsWith('-\x1b\\')).toBe(true);
    expect(sequence.split('-').length - 1).toBe(Math.ceil(20 / 6));
    expect(sequence).toMatch(/^[\x1b\x20-\x7e]*$/);
  });
});

describe('ImagePreview', () => {
  function sink() {
    let written = '';
    let lines = 0;
    const s: PreviewSink & { text(): string; status(line: string): void } = {
      write(text) {
        written += text;
        lines += text.split('\n').length - 1;
      },
      linesSinceMark: () => lines,
      mark() {
        lines = 0;
      },
      text: () => written,
      status(line) {
        s.write(`${line}\n`);
      },
    };
    return s;
  }

  it('replaces a partial image in place, status lines after it included', () => {
    const terminal = sink();
    const preview = new ImagePreview('kitty', terminal, 80);
    const rows = previewCells(info, 80).rows;
    expect(preview.show(png, info, { partial: true })).toBe(true);
    terminal.status('· image: partial image 2');
    preview.show(png, info, { partial: true });
    preview.show(png, info, { partial: false });
    const moves = [...terminal.text().matchAll(/\x1b\[(\d+)F\x1b\[J/g)].map((m) => Number(m[1]));
    expect(moves).toEqual([rows + 1, rows]);
  });

  it('a final image is never replaced; sixel skips partial images; kitty skips non-PNG', () => {
    const terminal = sink();
    const preview = new ImagePreview('kitty', terminal, 80);
    preview.show(png, info, { partial: false });
    preview.show(png, info, { partial: false });
    expect(terminal.text()).not.toMatch(/\x1b\[\d+F/);
    expect(new ImagePreview('sixel', sink(), 80).show(png, info, { partial: true })).toBe(false);
    expect(new ImagePreview('kitty', sink(), 80).show(Buffer.from([0xff, 0xd8, 0xff]), { format: 'jpeg', width: 1, height: 1 }, { partial: false })).toBe(false);
    expect(new ImagePreview('iterm', sink(), 80).show(Buffer.from([0xff, 0xd8, 0xff]), { format: 'jpeg', width: 1, height: 1 }, { partial: false })).toBe(true);
  });
});
