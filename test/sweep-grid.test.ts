// --vary parsing: lists, linear and log ranges, and bad input named by the flag.
import { describe, expect, it } from 'vitest';
import { combinations, GridError, parseAxes, parseAxis } from '../src/runner/grid.js';
import { assignShards, firstDifference, parseShard } from '../src/runner/shard.js';

describe('parseAxis', () => {
  it('a linear range includes both ends and has no decimal noise', () => {
    expect(parseAxis('mempool.reservePages=0..100:25').texts).toEqual(['0', '25', '50', '75', '100']);
    expect(parseAxis('workload.headlessShare=0..0.3:0.1').texts).toEqual(['0', '0.1', '0.2', '0.3']);
    expect(parseAxis('x.y=0..10:4').texts).toEqual(['0', '4', '8']);
  });

  it('a log range multiplies by its factor up to the high end', () => {
    expect(parseAxis('mempool.reservePages=1..1024:x2').texts).toEqual(['1', '2', '4', '8', '16', '32', '64', '128', '256', '512', '1024']);
    expect(parseAxis('a.b=1..1000:x10').texts).toEqual(['1', '10', '100', '1000']);
  });

  it('a list keeps its values as written, in order', () => {
    const axis = parseAxis('machine.preset=phone,embedded');
    expect(axis).toEqual({ name: 'machine.preset', spec: 'phone,embedded', texts: ['phone', 'embedded'] });
    expect(parseAxis('workload.headlessShare=0, 0.1 ,0.5').texts).toEqual(['0', '0.1', '0.5']);
  });

  it.each([
    ['mempool.reservePages', /expected NAME=VALUES/],
    ['mempool.reservePages=0..400', /a range needs a step: 0\.\.400:STEP/],
    ['mempool.reservePages=400..0:25', /write the smaller end first/],
    ['mempool.reservePages=0..400:0', /step must be more than 0/],
    ['mempool.reservePages=1..64:x1', /factor of a log range must be more than 1/],
    ['mempool.reservePages=0..64:x2', /must start above 0/],
    ['mempool.reservePages=0..1e9:1', /at most 10000 per axis/],
    ['mempool.reservePages=a..b:1', /expected a range a\.\.b:step/],
    ['mempool.reservePages=1,,2', /an empty value/],
    ['mempool.reservePages=1,2,1', /1 is listed twice/],
    ['reservePages=1,2', /not <policy>\.<param> or a scenario field path/],
  ])('refuses --vary %s, naming the flag', (text, message) => {
    expect(() => parseAxis(text)).toThrow(GridError);
    expect(() => parseAxis(text)).toThrow(message);
    expect(() => parseAxis(text)).toThrow(`--vary ${text}`);
  });

  it('refuses one name given by two --vary flags', () => {
    expect(() => parseAxes(['a.b=1,2', 'a.b=3'])).toThrow('--vary a.b: given twice');
  });
});

describe('grid helpers', () => {
  it('combinations run like nested loops, the first axis slowest', () => {
    expect(combinations([2, 3])).toEqual([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
    expect(combinations([])).toEqual([[]]);
  });

  it('shards are balanced by cost, largest first to the lightest shard, and cover every point once', () => {
    const costs = [10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    const shardOf = assignShards(costs, 2);
    const load = [0, 1].map((shard) => costs.reduce((sum, cost, index) => sum + (shardOf[index] === shard ? cost : 0), 0));
    expect(load).toEqual([10, 10]);
    expect(shardOf[0]).toBe(0);
    expect(assignShards(costs, 2)).toEqual(shardOf);
  });

  it('--shard is i/n with 0 ≤ i < n', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard('4/4')).toMatch(/i must be below n/);
    expect(parseShard('1-4')).toMatch(/expected i\/n/);
  });

  it('firstDifference names the first differing leaf', () => {
    expect(firstDifference({ a: { b: [1, 2] } }, { a: { b: [1, 3] } }, 'x')).toBe('x.a.b[1]');
    expect(firstDifference({ a: 1 }, { a: 1 })).toBeUndefined();
  });
});
