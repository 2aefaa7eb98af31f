// When aoai colours a stream: NO_COLOR (https://no-color.org: set and not empty) and --no-color
// win, FORCE_COLOR turns colour on even on a pipe, TERM=dumb turns it off, else only on a terminal.
import { describe, expect, it } from 'vitest';
import { colorAllowed } from '../../src/io/io.ts';

describe('colorAllowed', () => {
  it('on a terminal by default, not on a pipe', () => {
    expect(colorAllowed({}, true)).toBe(true);
    expect(colorAllowed({}, false)).toBe(false);
  });

  it('--no-color and a non-empty NO_COLOR turn it off, even with FORCE_COLOR; an empty NO_COLOR does not', () => {
    expect(colorAllowed({ FORCE_COLOR: '1' }, true, true)).toBe(false);
    expect(colorAllowed({ NO_COLOR: '1', FORCE_COLOR: '1' }, true)).toBe(false);
    expect(colorAllowed({ NO_COLOR: '' }, true)).toBe(true);
  });

  it('FORCE_COLOR turns it on for a pipe, unless it is 0 or false', () => {
    expect(colorAllowed({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colorAllowed({ FORCE_COLOR: '' }, false)).toBe(true);
    expect(colorAllowed({ FORCE_COLOR: '0' }, false)).toBe(false);
    expect(colorAllowed({ FORCE_COLOR: 'false' }, false)).toBe(false);
  });

  it('TERM=dumb turns it off on a terminal, unless FORCE_COLOR asks for it', () => {
    expect(colorAllowed({ TERM: 'dumb' }, true)).toBe(false);
    expect(colorAllowed({ TERM: 'dumb', FORCE_COLOR: '1' }, true)).toBe(true);
  });
});
