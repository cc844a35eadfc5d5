// Asking before a run creates billed cloud resources: on a terminal the user answers y/N; anywhere else the
// answer is no (pass --yes), so a script never creates resources by accident.
import { createInterface } from 'node:readline/promises';

export async function confirmOnTerminal(summary: string): Promise<boolean> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const a = await rl.question(`${summary}\nCreate these resources in AWS? [y/N] `);
    return /^y(es)?$/i.test(a.trim());
  } finally {
    rl.close();
  }
}
