// One line of live progress per second on stderr, only for a human watching a terminal.
export interface ProgressSnapshot {
  elapsedS: number;
  rps: number;
  p99Ms: number;
  errors: number;
}

export function startProgress(enabled: boolean | undefined, snapshot: () => ProgressSnapshot): () => void {
  if (!enabled || !process.stderr.isTTY) return () => {};
  const timer = setInterval(() => {
    const s = snapshot();
    process.stderr.write(`\r[load] ${s.elapsedS.toFixed(0)}s  ${s.rps.toFixed(0)} rps  p99 ${s.p99Ms.toFixed(2)} ms  errors ${s.errors}   `);
  }, 1000);
  return () => {
    clearInterval(timer);
    process.stderr.write('\n');
  };
}
