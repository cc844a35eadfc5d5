// The Route 53 record external-dns makes in the seed (CloudFront -> a name for the Classic LB): a CNAME in the
// user's hosted zone to the load balancer, and beside it a TXT ownership record (external-dns does the same)
// because Route 53 records carry no tags: the TXT record is how a sweep knows the CNAME is the lab's.
import { ChangeResourceRecordSetsCommand, GetHostedZoneCommand, ListHostedZonesCommand, ListResourceRecordSetsCommand, type ResourceRecordSet, type RRType } from '@aws-sdk/client-route-53';
import type { AwsClients } from '../clients.ts';
import { isNotFound } from '../errors.ts';
import { forget, remember, type AwsRun } from '../run.ts';
import { MANAGED_BY, runTag, TAG } from '../tags.ts';

/** The TXT record that marks `name` as the lab's, and its value. */
export const ownerName = (name: string) => `_exposure-lab.${name}`;
export function ownerValue(runId: string, scenario: string): string {
  return `"${TAG.runId}=${runTag(runId)},${TAG.scenario}=${scenario},${TAG.managedBy}=${MANAGED_BY}"`;
}

/** Parses an ownership TXT value back (null when it is not the lab's). */
export function parseOwner(value: string): { runId: string; scenario: string } | null {
  const kv = Object.fromEntries(value.replace(/^"|"$/g, '').split(',').map((p) => p.split('=') as [string, string]));
  if (kv[TAG.managedBy] !== MANAGED_BY || !kv[TAG.runId]) return null;
  return { runId: kv[TAG.runId], scenario: kv[TAG.scenario] ?? '' };
}

const fqdn = (n: string) => (n.endsWith('.') ? n : `${n}.`);

export async function zoneName(clients: AwsClients, zoneId: string): Promise<string> {
  const z = await clients.route53.send(new GetHostedZoneCommand({ Id: zoneId }));
  return z.HostedZone!.Name!;
}

/** CNAME <hop>-<run>.<zone> -> target, and its TXT owner record, in one change batch. Returns the name. */
export async function upsertRecord(run: AwsRun, hop: string, zoneId: string, target: string): Promise<string> {
  const zone = await zoneName(run.clients, zoneId);
  const name = fqdn(`${hop}-${runTag(run.runId)}.${zone}`.toLowerCase());
  await run.clients.route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: {
        Comment: `exposure-lab run ${run.runId}`,
        Changes: [
          { Action: 'UPSERT', ResourceRecordSet: { Name: name, Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: target }] } },
          { Action: 'UPSERT', ResourceRecordSet: { Name: ownerName(name), Type: 'TXT', TTL: 300, ResourceRecords: [{ Value: ownerValue(run.runId, run.scenario) }] } },
        ],
      },
    }),
  );
  remember(run, { kind: 'dns-record', id: name, hop, label: `Route 53 record ${name} CNAME ${target} (+ TXT owner record)`, extra: { zone: zoneId } });
  return name.replace(/\.$/, '');
}

async function recordsNamed(clients: AwsClients, zoneId: string, name: string): Promise<ResourceRecordSet[]> {
  const r = await clients.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: name, MaxItems: 10 }));
  return (r.ResourceRecordSets ?? []).filter((s) => s.Name === name);
}

/** Deletes the CNAME and its TXT owner record (exact current values, as Route 53 requires). */
export async function deleteRecord(clients: AwsClients, zoneId: string, name: string): Promise<void> {
  const n = fqdn(name);
  const sets = [...(await recordsNamed(clients, zoneId, n)), ...(await recordsNamed(clients, zoneId, ownerName(n)))].filter((s) => s.Type === 'CNAME' || s.Type === 'TXT');
  if (!sets.length) return;
  try {
    await clients.route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: sets.map((s) => ({ Action: 'DELETE', ResourceRecordSet: s })) } }));
  } catch (e) {
    if (!isNotFound(e) && !/InvalidChangeBatch/.test((e as Error).name)) throw e;
  }
}

export async function undoRecord(run: AwsRun, zoneId: string, name: string): Promise<void> {
  await deleteRecord(run.clients, zoneId, name);
  forget(run, 'dns-record', fqdn(name));
}

/** The lab's records in every hosted zone the caller sees (found by their TXT owner records). */
export async function listLabRecords(clients: AwsClients, maxZones = 200): Promise<Array<{ zoneId: string; name: string; runId: string; scenario: string }>> {
  const out: Array<{ zoneId: string; name: string; runId: string; scenario: string }> = [];
  let marker: string | undefined;
  let zones = 0;
  for (let page = 0; page < 100 && zones < maxZones; page++) {
    const r = await clients.route53.send(new ListHostedZonesCommand({ Marker: marker }));
    for (const z of r.HostedZones ?? []) {
      if (++zones > maxZones) break;
      let start: { name?: string; type?: RRType } = {};
      for (let p = 0; p < 1000; p++) {
        const rr = await clients.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: z.Id!, StartRecordName: start.name, StartRecordType: start.type }));
        for (const s of rr.ResourceRecordSets ?? []) {
          if (s.Type !== 'TXT' || !s.Name?.startsWith('_exposure-lab.')) continue;
          const owner = s.ResourceRecords?.map((v) => parseOwner(v.Value ?? '')).find(Boolean);
          if (owner) out.push({ zoneId: z.Id!, name: s.Name.slice('_exposure-lab.'.length), ...owner });
        }
        if (!rr.IsTruncated) break;
        start = { name: rr.NextRecordName, type: rr.NextRecordType };
      }
    }
    marker = r.IsTruncated ? r.NextMarker : undefined;
    if (!marker) break;
  }
  return out;
}
