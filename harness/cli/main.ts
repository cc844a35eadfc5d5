// Entry point of the exposure-lab CLI: dispatch to a command, print user errors without stack traces.
import { COMMANDS } from './commands/index.ts';
import { UserError } from '../lib/errors.ts';

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'exposure-lab: how to expose Kubernetes services on AWS EKS, with numbers (latency, throughput, client IP, cost)',
    '',
    'Usage: exposure-lab <command> [options]      (exposure-lab <command> --help for its options and defaults)',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Every number printed says where it came from: measured, emulated or modeled.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(topHelp());
    return 0;
  }
  if (name === '--version') {
    const pkg = await import('../../package.json', { with: { type: 'json' } });
    console.log(pkg.default.version);
    return 0;
  }
  const ref = COMMANDS.find((c) => c.name === name);
  if (!ref) throw new UserError(`unknown command "${name}"`, `commands: ${COMMANDS.map((c) => c.name).join(', ')}`);
  const cmd = await ref.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(cmd.help);
    return 0;
  }
  return cmd.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UserError) {
      console.error(`error: ${e.message}\n  hint: ${e.hint}`);
      process.exitCode = e.exitCode;
    } else {
      // An unexpected failure is a bug in the lab: say so plainly, keep the stack for the report.
      console.error(`internal error: ${(e as Error)?.message ?? e}\n  this is a bug in exposure-lab; the stack follows for the issue report\n${(e as Error)?.stack ?? ''}`);
      process.exitCode = 70;
    }
  },
);
