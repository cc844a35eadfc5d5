// Turns zod issues into messages a person can act on: what is wrong, and what to write instead.
import type { z } from 'zod';
import { closest } from './diagnostics.ts';

/** The object keys a strict object at `path` accepts, found by walking the schema along the data. */
export function allowedKeysAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>, data: unknown): string[] {
  let s: any = schema;
  let d: any = data;
  for (let i = 0; i <= path.length; i++) {
    s = unwrap(s);
    if (s?._zod?.def?.type === 'union' && d && typeof d === 'object') {
      const disc = s._zod.def.discriminator;
      s = unwrap(s._zod.def.options.find((o: any) => unwrap(o)._zod.def.shape?.[disc]?._zod.def.values?.includes(d[disc])));
    }
    if (i === path.length) break;
    const seg = path[i];
    if (s?._zod?.def?.type === 'object') s = s._zod.def.shape[seg as string];
    else if (s?._zod?.def?.type === 'array') s = s._zod.def.element;
    else return [];
    d = d?.[seg as any];
  }
  return s?._zod?.def?.type === 'object' ? Object.keys(s._zod.def.shape) : [];
}

function unwrap(s: any): any {
  while (s && ['default', 'prefault', 'optional', 'nullable', 'pipe', 'catch', 'readonly'].includes(s._zod?.def?.type)) {
    s = s._zod.def.innerType ?? s._zod.def.in;
  }
  return s;
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

const EXAMPLE: Record<string, string> = {
  number: 'a number without quotes, e.g. 3',
  boolean: 'true or false without quotes',
  string: 'text, e.g. "v1"',
  array: 'a YAML list (lines starting with "- ")',
  object: 'a mapping of key: value lines',
};

export interface Explained {
  message: string;
  hint: string;
  /** Point at the key rather than its value. */
  atKey?: string;
}

/** Where a hint can send the reader: the document format, and the list of choices of a tagged union. */
export interface Refs {
  formatRef: string;
  /** e.g. "exposure-lab catalog" for scenario components; default: formatRef. */
  choicesRef?: string;
}

export function explainIssue(issue: z.core.$ZodIssue, schema: z.ZodType, data: unknown, refs: Refs): Explained[] {
  const { formatRef } = refs;
  const input = (issue as any).input;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeysAt(schema, issue.path, data);
      return issue.keys.map((k) => {
        const near = closest(k, allowed);
        return {
          atKey: k,
          message: `unknown key "${k}"`,
          hint: (near ? `did you mean "${near}"? ` : '') + (allowed.length ? `allowed keys here: ${allowed.join(', ')}` : 'remove it'),
        };
      });
    }
    case 'invalid_type': {
      if (input === undefined) {
        return [{ message: `required field is missing (expected ${issue.expected})`, hint: `add it: ${EXAMPLE[issue.expected] ?? issue.expected}` }];
      }
      return [{ message: `expected ${issue.expected}, got ${show(input)}`, hint: `write ${EXAMPLE[issue.expected] ?? issue.expected}` }];
    }
    case 'invalid_value': {
      const vals = issue.values.map((v) => String(v));
      const near = typeof input === 'string' ? closest(input, vals) : undefined;
      return [{
        message: `${show(input)} is not allowed here`,
        hint: (near ? `did you mean "${near}"? ` : '') + `use one of: ${vals.join(', ')}`,
      }];
    }
    case 'invalid_union': {
      const opts: string[] = (issue as any).options ?? [];
      if ((issue as any).discriminator) {
        const given = input?.[(issue as any).discriminator];
        const near = typeof given === 'string' ? closest(given, opts) : undefined;
        const disc: string = (issue as any).discriminator;
        return [{
          message: given === undefined ? `every item needs a "${disc}"` : `unknown ${disc} ${show(given)}`,
          hint: (near ? `did you mean "${near}"? ` : '') + `${disc}s: ${opts.join(', ')} (see: ${refs.choicesRef ?? formatRef})`,
        }];
      }
      return [{ message: issue.message, hint: `check the value against ${formatRef}` }];
    }
    case 'too_small':
    case 'too_big': {
      const dir = issue.code === 'too_small' ? 'at least' : 'at most';
      const lim = (issue as any).minimum ?? (issue as any).maximum;
      if (issue.origin === 'array' && Array.isArray(input)) {
        return [{ message: `the list has ${input.length} item(s): it needs ${dir} ${lim}`, hint: `give ${dir} ${lim} item(s)` }];
      }
      if (issue.origin === 'string' && typeof input === 'string') {
        return [{ message: `${show(input)} has ${input.length} character(s): it needs ${dir} ${lim}`, hint: `write ${dir} ${lim} character(s)` }];
      }
      return [{ message: `${show(input)} is out of range: must be ${dir} ${lim}`, hint: `use a value ${dir} ${lim}` }];
    }
    case 'invalid_format':
    case 'custom':
      return [{ message: `${show(input)} is not valid here`, hint: `write ${issue.message}` }];
    default:
      return [{ message: issue.message, hint: `fix the value; see ${formatRef}` }];
  }
}
