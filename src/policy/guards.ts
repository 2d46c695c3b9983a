// What policy code finds in its own thread instead of the host's clocks, timers and exits.
// Installed in a thread that runs one user policy (src/runner/worker.ts, describe-worker.ts)
// before the policy's module is loaded, so its top level sees them too. A run must give the
// same bytes every time (docs/model.md, determinism): Math.random becomes a stream seeded by the
// run, and every wall clock is an error that points at kernel.now(). Timers are errors too:
// they fire in wall time, after the synchronous simulation, so what they did would depend on
// how fast the machine was. Ending the process is an error the run reports, not an exit.
import seedrandom from 'seedrandom';

const CLOCK_HINT = 'use kernel.now() (simulated µs); a wall clock makes two runs of one seed differ';
const TIMER_HINT = 'policy code runs in simulated time; use kernel.hrtimer() or kernel.queueWork()';
const EXIT_HINT = 'throw an Error to fail the run, or return null from needPage for the fallback path';

function refusal(what: string, hint: string): () => never {
  return () => {
    throw new Error(`${what} is not available to a policy: ${hint}`);
  };
}

/** jiti, which compiles the policy's TypeScript in this thread, times its own work; its readings reach no result. */
function calledByTheLoader(): boolean {
  const stack = new Error().stack ?? '';
  const caller = stack.split('\n')[3] ?? '';
  return /[\\/]node_modules[\\/]jiti[\\/]/.test(caller);
}

/** `real` for the loader, an error naming `what` for policy code. */
function clockRefusal<T extends (...args: never[]) => unknown>(what: string, real: T): T {
  const refuse = refusal(what, CLOCK_HINT);
  return ((...args: never[]) => (calledByTheLoader() ? real(...args) : refuse())) as T;
}

function replace(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
}

/** A Date that still parses and formats given times but cannot read the clock. */
function clocklessDate(): DateConstructor {
  const RealDate = Date;
  const now = clockRefusal('Date.now()', RealDate.now.bind(RealDate));
  return new Proxy(RealDate, {
    construct(target, args: unknown[], newTarget) {
      if (args.length === 0) refusal('new Date() without arguments', CLOCK_HINT)();
      return Reflect.construct(target, args, newTarget) as object;
    },
    apply: refusal('Date()', CLOCK_HINT),
    get(target, key, receiver) {
      return key === 'now' ? now : Reflect.get(target, key, receiver);
    },
  });
}

/** Installs the guards in the current thread; `seed` seeds Math.random (the run's seed). */
export function installPolicyGuards(seed: number): void {
  const random = seedrandom.alea(`rcupool/${seed}/policy/Math.random`);
  replace(Math, 'random', () => random());
  replace(globalThis, 'Date', clocklessDate());
  const performance = globalThis.performance;
  replace(performance, 'now', clockRefusal('performance.now()', performance.now.bind(performance)));
  const realHrtime = process.hrtime;
  const hrtime = Object.assign(clockRefusal('process.hrtime()', realHrtime.bind(process)), { bigint: clockRefusal('process.hrtime.bigint()', realHrtime.bigint.bind(process)) });
  replace(process, 'hrtime', hrtime);
  for (const timer of ['setTimeout', 'setInterval', 'setImmediate']) replace(globalThis, timer, refusal(`${timer}()`, TIMER_HINT));
  for (const exit of ['exit', 'abort', 'reallyExit', 'kill']) replace(process, exit, refusal(`process.${exit}()`, EXIT_HINT));
}
