// Bounds how many password hashes run at once. scrypt at N=2^17 holds a libuv thread-pool thread
// (and a core) for a few hundred milliseconds, and the pool has four threads that file reads,
// DNS lookups and zlib share: forty concurrent sign-ins would stall every download. A few hashes
// run; a short queue waits; past it the request is refused at once with 503 and Retry-After.
import { DomainError } from '../errors.ts';
import { hashPassword, verifyPassword } from './password.ts';

export interface HashLimits {
  /** Hashes running at once. */
  concurrency: number;
  /** Hashes waiting for a turn; one more is refused. */
  queue: number;
}

export class HashQueueFullError extends DomainError {
  constructor(retryAfterSeconds: number) {
    super('unavailable', 'busy', 'The server is busy checking other passwords. Try again in a few seconds.', {
      retryAfterSeconds,
    });
  }
}

export interface HashLimiter {
  /** Runs `task` when a slot is free; throws HashQueueFullError when the queue is full. */
  run<T>(task: () => Promise<T>): Promise<T>;
  readonly running: number;
  readonly waiting: number;
}

export function createHashLimiter(limits: HashLimits): HashLimiter {
  let running = 0;
  const waiting: (() => void)[] = [];
  // A moving average of one hash's duration, for Retry-After.
  let averageMs = 250;

  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };

  return {
    get running() {
      return running;
    },
    get waiting() {
      return waiting.length;
    },
    async run(task) {
      if (running >= limits.concurrency) {
        if (waiting.length >= limits.queue) {
          const rounds = Math.ceil((waiting.length + 1) / limits.concurrency);
          throw new HashQueueFullError(Math.max(1, Math.ceil((rounds * averageMs) / 1000)));
        }
        // The slot is handed over by release(): `running` stays counted.
        await new Promise<void>((resolve) => waiting.push(resolve));
      } else {
        running++;
      }
      const start = performance.now();
      try {
        return await task();
      } finally {
        averageMs = averageMs * 0.8 + (performance.now() - start) * 0.2;
        release();
      }
    },
  };
}

/** Password hashing and checking through one limiter. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
}

export function createPasswordHasher(logN: number, limiter?: HashLimiter): PasswordHasher {
  const run = <T>(task: () => Promise<T>) => (limiter ? limiter.run(task) : task());
  return {
    hash: (password) => run(() => hashPassword(password, logN)),
    verify: (password, stored) => run(() => verifyPassword(password, stored)),
  };
}
