// The execution segments the k6-operator gives its runners for `parallelism: N` (its runner Job builder): runner
// i of N (1-based) runs `--execution-segment=(i-1)/N:i/N --execution-segment-sequence=0,1/N,...,(N-1)/N,1`, the
// ends written "0" and "1" and the fractions left unreduced ("2/4", not "1/2"), and no segment flags at all
// when N is 1. The lab passes the same strings to its local runners, so a local `--runners N` run divides the
// work exactly as the operator would: k6 scales the arrival rate, preAllocatedVUs and maxVUs of every scenario
// by the runner's segment, and the sequence makes the striping of iterations across runners deterministic.

export interface RunnerSegment {
  /** 1-based, as the operator numbers its runner Jobs (<testrun>-1 .. <testrun>-N). */
  index: number;
  /** "0:1/3"; null when N is 1 (the whole test). */
  segment: string | null;
  /** "0,1/3,2/3,1"; null when N is 1. */
  sequence: string | null;
  /** The k6 flags, empty when N is 1. */
  args: string[];
  /** The share of the whole test this runner runs (1/N). */
  share: number;
}

const MAX_RUNNERS = 64;

export function operatorSegments(parallelism: number): RunnerSegment[] {
  if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > MAX_RUNNERS) {
    throw new Error(`runners must be an integer from 1 to ${MAX_RUNNERS} (got ${parallelism})`);
  }
  const n = parallelism;
  const point = (i: number): string => (i === 0 ? '0' : i === n ? '1' : `${i}/${n}`);
  const sequence = Array.from({ length: n + 1 }, (_, i) => point(i)).join(',');
  return Array.from({ length: n }, (_, k) => {
    const index = k + 1;
    if (n === 1) return { index, segment: null, sequence: null, args: [], share: 1 };
    const segment = `${point(index - 1)}:${point(index)}`;
    return { index, segment, sequence, args: [`--execution-segment=${segment}`, `--execution-segment-sequence=${sequence}`], share: 1 / n };
  });
}

/**
 * Source addresses for each runner: disjoint slices of the pool, dealt round-robin so every runner gets a
 * spread of the pool and no address is used by two runners (each runner binds its own with --local-ips).
 */
export function splitSources(sources: string[], runners: number): string[][] {
  if (sources.length < runners) {
    throw new Error(`${runners} runners need at least ${runners} source addresses, the plan has ${sources.length}: raise the scenario client's sources or use fewer runners`);
  }
  return Array.from({ length: runners }, (_, r) => sources.filter((_, j) => j % runners === r));
}
