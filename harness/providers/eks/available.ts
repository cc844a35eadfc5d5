// Whether this machine can run the eks provider at all: a kubeconfig context, AWS credentials (looked for,
// never used to call AWS here), and an API server that answers. What a scenario needs in the cluster
// (controllers, CRDs, inputs) is checked per scenario before anything is applied (harness/cluster/preflight.ts).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface EksFacts {
  /** Current kubeconfig context, or null. */
  context: string | null;
  contextError?: string;
  /** Where credentials would come from, or null when none is configured. */
  credentials: string | null;
  /** Why the API server of the context was not asked or did not answer (unset: it answered). */
  apiError?: string;
}

/** Finds a credential source the AWS SDK would use, without reading secrets or calling AWS. */
export function credentialSource(env: NodeJS.ProcessEnv = process.env, home = homedir()): string | null {
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) return 'environment (AWS_ACCESS_KEY_ID)';
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN) return 'web identity (AWS_WEB_IDENTITY_TOKEN_FILE)';
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) return 'container credentials endpoint';
  const creds = env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials');
  const config = env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config');
  if (existsSync(creds)) return `shared credentials file ${creds}${env.AWS_PROFILE ? ` (profile ${env.AWS_PROFILE})` : ''}`;
  if (existsSync(config)) return `shared config file ${config}${env.AWS_PROFILE ? ` (profile ${env.AWS_PROFILE})` : ''}`;
  return null;
}

export function diagnoseEks(f: EksFacts): { ok: true } | { ok: false; reason: string; hint: string } {
  const reasons: string[] = [];
  const hints: string[] = [];
  if (!f.context) {
    reasons.push(`no kubeconfig context${f.contextError ? ` (${f.contextError})` : ''}`);
    hints.push('aws eks update-kubeconfig --name <cluster> --region <region> (or set KUBECONFIG)');
  }
  if (!f.credentials) {
    reasons.push('no AWS credentials configured (env vars, web identity, or ~/.aws)');
    hints.push('export AWS_PROFILE=<profile> or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY');
  }
  if (f.context && f.apiError) {
    reasons.push(`the API server of context ${f.context} cannot be used: ${f.apiError}`);
    hints.push(`kubectl --context ${f.context} version`);
  }
  if (!reasons.length) return { ok: true };
  return { ok: false, reason: reasons.join('; '), hint: hints.join('; ') };
}
