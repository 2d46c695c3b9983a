import { describe, it, expect } from 'vitest';
import { colorEnabled } from '../src/report/color.js';

const tty = { isTTY: true };
const pipe = { isTTY: false };
const noTtyField = {};

describe('colorEnabled', () => {
  it('is on for a TTY with a plain environment', () => {
    expect(colorEnabled(tty, {})).toBe(true);
    expect(colorEnabled(tty, { TERM: 'xterm-256color' }, true)).toBe(true);
  });

  it('is off for a pipe or a stream that does not say it is a TTY', () => {
    expect(colorEnabled(pipe, {})).toBe(false);
    expect(colorEnabled(noTtyField, {})).toBe(false);
  });

  it('is off for NO_COLOR with any non-empty value, on for an empty one', () => {
    expect(colorEnabled(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled(tty, { NO_COLOR: 'false' })).toBe(false);
    expect(colorEnabled(tty, { NO_COLOR: '' })).toBe(true);
  });

  it('is off for TERM=dumb and for --no-color', () => {
    expect(colorEnabled(tty, { TERM: 'dumb' })).toBe(false);
    expect(colorEnabled(tty, {}, false)).toBe(false);
  });

  it('lets FORCE_COLOR win over NO_COLOR, TERM and a pipe', () => {
    expect(colorEnabled(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorEnabled(pipe, { FORCE_COLOR: '3', NO_COLOR: '1', TERM: 'dumb' })).toBe(true);
    expect(colorEnabled(pipe, { FORCE_COLOR: 'true' })).toBe(true);
  });

  it('lets --no-color on the command line win over FORCE_COLOR', () => {
    expect(colorEnabled(tty, { FORCE_COLOR: '1' }, false)).toBe(false);
  });

  it('treats FORCE_COLOR=0 or false as "force off", as Node and chalk do, and an empty one as unset', () => {
    expect(colorEnabled(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(colorEnabled(tty, { FORCE_COLOR: 'false' })).toBe(false);
    expect(colorEnabled(tty, { FORCE_COLOR: '' })).toBe(true);
    expect(colorEnabled(pipe, { FORCE_COLOR: '' })).toBe(false);
  });
});
