// API Gateway REST on an AWS API emulator (LocalStack on the kind path): the same SDK code the eks provider
// runs (resources/rest-api.ts), at the emulator's endpoint, with an internet integration toward the emulated
// hop behind it and the run's tags. Only the invoke path differs: an emulator serves a stage under its own
// URL scheme rather than <api>.execute-api.<region>.amazonaws.com.
import { AwsClients } from './clients.ts';
import { newAwsRun, EMULATOR_WAITS } from './run.ts';
import { createRestApi, REST_STAGE } from './resources/rest-api.ts';

/** Emulators take any credentials; these are never real. */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** The path LocalStack serves a deployed stage on. */
export function localStackInvokePath(api: string, stage = REST_STAGE): string {
  return `/restapis/${api}/${stage}/_user_request_/`;
}

export async function restApiOnEmulator(o: {
  endpoint: string;
  region?: string;
  runId: string;
  scenario: string;
  hop: string;
  /** The emulated hop behind API Gateway, e.g. http://127.21.1.1:4000 */
  upstream: string;
  sourceIpHeader: string | null;
  timeoutS: number;
  log?: (line: string) => void;
}): Promise<{ id: string; invokePath: string }> {
  const clients = new AwsClients({ region: o.region ?? 'us-east-1', endpoint: o.endpoint, credentials: EMULATOR_CREDENTIALS });
  try {
    const run = newAwsRun({ clients, runId: o.runId, scenario: o.scenario, waits: EMULATOR_WAITS, log: o.log ?? (() => {}) });
    const api = await createRestApi(run, { hop: o.hop, endpointType: 'regional', sourceIpHeader: o.sourceIpHeader, timeoutS: o.timeoutS, integration: { via: 'internet', baseUrl: o.upstream } });
    return { id: api.id, invokePath: localStackInvokePath(api.id, api.stage) };
  } finally {
    clients.close();
  }
}
