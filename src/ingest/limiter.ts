/**
 * A concurrency gate with a global cap and a per-key cap (the key is a host name), so one
 * slow outlet cannot hold every slot and no outlet sees more than `perKey` requests at once.
 * Waiters are served in arrival order among those whose key has room.
 */
export interface Limiter {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
}

interface Waiter {
  key: string;
  start: () => void;
}

/** Creates a limiter; `global` and `perKey` must be ≥ 1. */
export function createLimiter(options: { global: number; perKey: number }): Limiter {
  let active = 0;
  const activeByKey = new Map<string, number>();
  const queue: Waiter[] = [];

  const hasRoom = (key: string) =>
    active < options.global && (activeByKey.get(key) ?? 0) < options.perKey;

  const acquire = (key: string) => {
    active += 1;
    activeByKey.set(key, (activeByKey.get(key) ?? 0) + 1);
  };

  const release = (key: string) => {
    active -= 1;
    const left = (activeByKey.get(key) ?? 1) - 1;
    if (left === 0) activeByKey.delete(key);
    else activeByKey.set(key, left);
    const next = queue.findIndex((waiter) => hasRoom(waiter.key));
    if (next >= 0) {
      const [waiter] = queue.splice(next, 1);
      waiter?.start();
    }
  };

  return {
    async run(key, task) {
      if (hasRoom(key)) acquire(key);
      else
        await new Promise<void>((resolve) =>
          queue.push({
            key,
            start: () => {
              acquire(key);
              resolve();
            },
          }),
        );
      try {
        return await task();
      } finally {
        release(key);
      }
    },
  };
}
