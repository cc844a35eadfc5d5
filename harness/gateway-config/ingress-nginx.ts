// Reading a user's ingress-nginx controller ConfigMap: the client-IP keys map onto the lab's nginx realization
// (dataplanes/nginx.ts writes them the way the ingress-nginx template does); every other key is reported, one
// warning each, never dropped silently: the lab's nginx generates only the client-IP part of the template.
import type { AtConfig, AtObject, HopConfigDoc, ReaderResult } from './types.ts';
import type { LocatedObject, UserGatewayConfig } from './types.ts';

const bool = (v: string): boolean | null => (v === 'true' ? true : v === 'false' ? false : null);

/** ConfigMap key -> the catalog setting it decides, with how to read its value (null = not a valid value). */
export const NGINX_KEYS: Record<string, { setting: string; read(v: string): unknown | null; valid: string }> = {
  'use-proxy-protocol': { setting: 'useProxyProtocol', read: bool, valid: '"true" or "false"' },
  'use-forwarded-headers': { setting: 'useForwardedHeaders', read: bool, valid: '"true" or "false"' },
  'compute-full-forwarded-for': { setting: 'computeFullForwardedFor', read: bool, valid: '"true" or "false"' },
  'proxy-real-ip-cidr': {
    setting: 'proxyRealIpCidr',
    read: (v) => {
      const l = v.split(',').map((x) => x.trim()).filter(Boolean);
      return l.length && l.every((c) => /^(\d{1,3}\.){3}\d{1,3}(\/\d{1,2})?$/.test(c)) ? l : null;
    },
    valid: 'comma-separated IPv4 CIDRs',
  },
  'forwarded-for-header': { setting: 'forwardedForHeader', read: (v) => (/^[A-Za-z0-9-]+$/.test(v) ? v : null), valid: 'a header name' },
};

/** Keys that change nothing the lab measures (logging, metrics, sizes far above the lab's requests): said, not warned. */
const NO_EFFECT_HERE = new Set(['log-format-upstream', 'log-format-escape-json', 'enable-access-log-for-default-backend', 'disable-access-log', 'access-log-path', 'error-log-path', 'error-log-level', 'enable-opentelemetry', 'server-tokens', 'hide-headers']);

export function readIngressNginxFiles(objects: LocatedObject[], _cfg: HopConfigDoc, at: { object: AtObject; config: AtConfig }): ReaderResult {
  const settings: Record<string, unknown> = {};
  const maps = objects.filter((o) => o.object.kind === 'ConfigMap' && o.object.apiVersion === 'v1');
  for (const o of objects.filter((x) => !maps.includes(x)))
    at.object(o, ['kind'], 'error', 'config-unknown-kind', `${o.object.apiVersion} ${o.object.kind}: an ingress-nginx hop reads one ConfigMap (the controller's)`, 'list only the ingress-nginx controller ConfigMap in config.files');
  if (maps.length !== 1) {
    if (!maps.length) at.config(['files'], 'error', 'config-no-configmap', 'the files hold no ConfigMap (apiVersion v1)', 'name the ingress-nginx controller ConfigMap file');
    else at.object(maps[1], ['metadata', 'name'], 'error', 'config-which-configmap', `the files hold ${maps.length} ConfigMaps; an ingress-nginx hop reads one`, 'keep the controller ConfigMap only');
    return { settings, config: {} };
  }
  const cm = maps[0];
  const data = (cm.object.data ?? {}) as Record<string, unknown>;
  const keys: NonNullable<UserGatewayConfig['nginxKeys']> = [];
  for (const [key, raw] of Object.entries(data)) {
    const value = typeof raw === 'string' ? raw : String(raw);
    if (typeof raw !== 'string') at.object(cm, ['data', key], 'error', 'config-value-type', `${key}: ConfigMap values are strings (got ${typeof raw})`, `quote it: ${key}: "${value}"`);
    const m = NGINX_KEYS[key];
    if (m) {
      const v = m.read(value);
      if (v === null) {
        at.object(cm, ['data', key], 'error', 'config-bad-value', `${key}: "${value}" is not ${m.valid}`, `write ${m.valid}`);
        continue;
      }
      settings[m.setting] = v;
      keys.push({ key, value, use: 'mapped', note: `-> ${m.setting}: ${JSON.stringify(v)} (the nginx realization writes it as ingress-nginx does)` });
    } else if (NO_EFFECT_HERE.has(key)) {
      keys.push({ key, value, use: 'no-effect-here', note: 'logging / response decoration only: no effect on what the lab measures' });
    } else {
      keys.push({ key, value, use: 'not-honoured', note: 'not honoured: the lab\'s nginx realization generates only the client-IP part of the ingress-nginx template' });
      at.object(cm, ['data', key], 'warning', 'config-not-honoured', `${key}: "${value}" is not honoured by the lab's nginx realization (it writes only the client-IP part of the ingress-nginx template); the run goes without it`, `mapped keys: ${Object.keys(NGINX_KEYS).join(', ')}`);
    }
  }
  return { settings, config: { nginxKeys: keys } };
}
