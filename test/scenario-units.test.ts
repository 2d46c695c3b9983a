import { describe, expect, it } from 'vitest';
import {
  formatDurationMs,
  formatPages,
  parseCount,
  parseDuration,
  parseDurationMs,
  parseSizeKbytes,
  parseSizePages,
  UnitError,
} from '../src/scenario/units.js';

describe('parseDurationMs', () => {
  it.each([
    ['30s', 30_000],
    ['250ms', 250],
    ['2m', 120_000],
    ['2min', 120_000],
    ['1h', 3_600_000],
    ['500us', 0.5],
    ['500µs', 0.5],
    ['500μs', 0.5],
    ['20ns', 0.00002],
    ['1.5s', 1_500],
    ['.5s', 500],
    [' 10 s ', 10_000],
    ['1e3ms', 1_000],
    ['1_000ms', 1_000],
    ['250', 250],
    [250, 250],
    [0, 0],
    ['-3s', -3_000],
  ])('%j → %d ms', (input, expected) => {
    expect(parseDurationMs(input)).toBe(expected);
  });

  it('gives exact values where binary floats would not (1.1 ms is 1100 µs, not 1100.0000000000002)', () => {
    expect(parseDuration('1.1ms', 'us')).toBe(1_100);
    expect(parseDuration('0.3s', 'ms')).toBe(300);
  });

  it('reads a bare number in the unit asked for', () => {
    expect(parseDuration(500, 'us')).toBe(500);
    expect(parseDuration('2ms', 'us')).toBe(2_000);
    expect(parseDuration('2us', 'ns')).toBe(2_000);
  });

  it.each(['', 'abc', '10 parsecs', '10x', 's10', '1.2.3s', 'NaN', '10 ms extra'])('rejects %j', (input) => {
    expect(() => parseDurationMs(input)).toThrow(UnitError);
  });

  it.each([null, true, [1], { ms: 1 }, Infinity, Number.NaN])('rejects the non-duration %j', (input) => {
    expect(() => parseDurationMs(input)).toThrow(UnitError);
  });

  it('says what it expected and what it found', () => {
    try {
      parseDurationMs('ten seconds');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UnitError);
      expect((error as UnitError).found).toBe('"ten seconds"');
      expect((error as UnitError).expected).toMatch(/duration.*"30s"/);
    }
  });
});

describe('parseSizePages', () => {
  it.each([
    ['4GiB', 1_048_576],
    ['4G', 1_048_576],
    ['512MiB', 131_072],
    ['64KiB', 16],
    ['4096B', 1],
    ['1000 pages', 1_000],
    ['1 page', 1],
    [1_000, 1_000],
    ['1000', 1_000],
    ['0.5GiB', 131_072],
    ['1TiB', 268_435_456],
  ])('%j → %d pages', (input, expected) => {
    expect(parseSizePages(input)).toBe(expected);
  });

  it('rejects sizes that are not whole pages', () => {
    expect(() => parseSizePages('6KiB')).toThrow(/whole number of pages/);
    expect(() => parseSizePages(1.5)).toThrow(UnitError);
  });

  it('refuses the ambiguous decimal units and says what to write instead', () => {
    expect(() => parseSizePages('4GB')).toThrow(/GiB/);
    expect(() => parseSizePages('512MB')).toThrow(/MiB/);
  });

  it.each(['lots', '4 gigs', '', 'GiB'])('rejects %j', (input) => {
    expect(() => parseSizePages(input)).toThrow(UnitError);
  });
});

describe('parseSizeKbytes', () => {
  it('reads KiB, with bare numbers already in KiB', () => {
    expect(parseSizeKbytes('8MiB')).toBe(8_192);
    expect(parseSizeKbytes(7_797)).toBe(7_797);
    expect(parseSizeKbytes('2 pages')).toBe(8);
    expect(() => parseSizeKbytes('100B')).toThrow(/whole number of KiB/);
  });
});

describe('parseCount', () => {
  it.each([
    [3_000_000, 3_000_000],
    ['3M', 3_000_000],
    ['20k', 20_000],
    ['20K', 20_000],
    ['1.3G', 1_300_000_000],
    ['9.6M/s', 9_600_000],
    ['1_300_000', 1_300_000],
    ['0.5', 0.5],
  ])('%j → %d', (input, expected) => {
    expect(parseCount(input)).toBe(expected);
  });

  it.each(['3 million', '3Mi', 'k', 'ten'])('rejects %j', (input) => {
    expect(() => parseCount(input)).toThrow(UnitError);
  });
});

describe('formatting', () => {
  it('formats durations for people', () => {
    expect(formatDurationMs(10_000)).toBe('10 s');
    expect(formatDurationMs(120_000)).toBe('2 min');
    expect(formatDurationMs(250)).toBe('250 ms');
    expect(formatDurationMs(0.5)).toBe('500 µs');
    expect(formatDurationMs(0)).toBe('0 ms');
  });

  it('formats pages with their size', () => {
    expect(formatPages(1_048_576)).toBe('1,048,576 pages (4 GiB)');
    expect(formatPages(40)).toBe('40 pages (160 KiB)');
  });
});
