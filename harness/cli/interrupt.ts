// Ctrl-C handling for long commands: the first SIGINT/SIGTERM asks the run to stop and still write what it
// measured; a second one means "now": it exits at once (children are tied to this process and exit with it).
export function interruptible(log: (s: string) => void): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  let count = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      log(`\n${sig}: stopping the load, tearing down every process, writing what was measured (again to quit at once)`);
      ac.abort(new Error(`interrupted by ${sig}`));
    } else {
      log(`${sig} again: exiting now`);
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: ac.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
