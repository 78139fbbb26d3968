/** A timeout that stops counting while `hold` waits (for an operator typing a secret), then resumes with what was left. */
export interface PausableTimer {
  hold: <T>(work: Promise<T>) => Promise<T>;
  stop: () => void;
}

export function pausableTimer(ms: number, onExpire: () => void): PausableTimer {
  let left = ms;
  let since = Date.now();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const start = (): void => {
    if (stopped) return;
    since = Date.now();
    timer = setTimeout(onExpire, left);
  };
  start();
  return {
    hold: async (work) => {
      clearTimeout(timer);
      left -= Date.now() - since;
      try {
        return await work;
      } finally {
        start();
      }
    },
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
