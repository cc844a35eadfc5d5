// `exposure-lab sweep --run <id> | --all [--yes]`: what runs left behind in AWS and Kubernetes, listed (dry
// run, the default) or deleted in dependency order. Thin: parse, call harness/sweep, print.
import type { Command } from '../command.ts';
import { parseOptions } from '../command.ts';
import { UserError } from '../../lib/errors.ts';
import { awsTargetFromEnv, ENDPOINT_ENV } from '../../aws/clients.ts';
import { sweepLeaks } from '../../sweep/leaks.ts';

export const LEAK_SWEEP_HELP = `Usage: exposure-lab sweep --run <run-id> [--yes]
       exposure-lab sweep --all [--yes]

Lists every AWS resource tagged by the lab (exposure-lab.dev/managed-by=exposure-lab, and the run id with
--run) and every Kubernetes object labelled with a run id, found through the Resource Groups Tagging API
and each service's own listing (API Gateway, VPC links, WAF, CloudFront, load balancers, security groups,
Route 53 records by their ownership TXT record). With --yes it deletes them in dependency order: the lab's
own resources (CloudFront, web ACL associations, APIs, VPC links, the standalone ALB, records, web ACLs),
then the Kubernetes objects, then what a controller left tagged with the run. Safe to run again: what is
gone counts as deleted. Exit 1 when something could not be deleted (each line says why and what to do).

Options:
  --run <run-id>   one run (the id the run printed, e.g. from "remove them with: ...")
  --all            every run of the lab in this account and region (and us-east-1 for CloudFront)
  --yes            delete; without it nothing is deleted (dry run)

Environment: AWS_REGION (required), the usual AWS credentials, ${ENDPOINT_ENV}=<http://127.0.0.1:port> for an
AWS API emulator (moto, LocalStack), KUBECONFIG for the Kubernetes half.

Example: AWS_REGION=eu-west-1 exposure-lab sweep --run mk1a2b3c-4242 --yes`;

export const leakSweep: Command = {
  name: 'sweep',
  summary: 'list (and with --yes delete) the AWS resources and Kubernetes objects runs left behind',
  help: LEAK_SWEEP_HELP,
  async run(argv) {
    const { values, positionals } = parseOptions('sweep', argv, { run: { type: 'string' }, all: { type: 'boolean' }, yes: { type: 'boolean' } }, true);
    if (positionals.length) throw new UserError(`sweep --run/--all takes no scenario names (got ${positionals.join(' ')})`, 'exposure-lab sweep --run <run-id> [--yes], or exposure-lab sweep <scenario...> --rps a..b for the model sweep');
    if (!values.all && !values.run) throw new UserError('sweep: which runs?', 'exposure-lab sweep --run <run-id> or --all');
    if (values.all && values.run) throw new UserError('sweep: --run and --all together', 'use one of them');
    if (values.run !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/i.test(values.run)) throw new UserError(`sweep: "${values.run}" is not a run id`, 'run ids look like mk1a2b3c-4242 (letters, digits, dashes)');
    const r = await sweepLeaks({
      runId: values.run,
      all: !!values.all,
      yes: !!values.yes,
      target: awsTargetFromEnv(),
      out: (l) => console.log(l),
      log: (l) => console.error(l),
    });
    for (const f of r.failed) console.error(`could not delete ${f.what}: ${f.error}`);
    return r.exitCode;
  },
};
