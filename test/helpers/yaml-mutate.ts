// Seeded mutations of valid YAML documents, for fuzzing the strict loaders: YAML-level operators (aliases,
// anchors, tags, indentation, duplicate keys, flow/block mixes, directives, non-UTF-8 bytes, huge numbers,
// deep nesting, truncation) and schema-level operators (keys removed, renamed or added, values of the wrong
// type or out of range, list items dropped, repeated or swapped). Each case is bytes, since non-UTF-8 input
// is part of what a loader must refuse cleanly. Pure: the same seed gives the same cases.
import { parse, stringify } from 'yaml';
import { seededRandom } from '../../harness/lib/random.ts';

export interface Mutant {
  bytes: Uint8Array;
  /** The operators applied, in order (what a failing case reports). */
  ops: string[];
}

type Rand = () => number;
type TextOp = (text: string, r: Rand) => string;
type ByteOp = (bytes: Uint8Array, r: Rand) => Uint8Array;
type DataOp = (data: unknown, r: Rand, vocabulary: string[]) => unknown;

const pick = <T>(a: readonly T[], r: Rand): T => a[Math.floor(r() * a.length)];
const int = (n: number, r: Rand) => Math.floor(r() * n);
const lines = (t: string) => t.split('\n');

/** A line that holds `key: value` (value non-empty), with the index of the colon. */
function valueLines(t: string): Array<{ i: number; colon: number }> {
  const out: Array<{ i: number; colon: number }> = [];
  lines(t).forEach((l, i) => {
    const m = /^(\s*(?:- )?[A-Za-z0-9_.-]+):\s*\S/.exec(l);
    if (m && !l.trimStart().startsWith('#')) out.push({ i, colon: m[1].length });
  });
  return out;
}

function replaceValue(t: string, r: Rand, value: (old: string) => string): string {
  const ls = lines(t);
  const cands = valueLines(t);
  if (!cands.length) return t;
  const { i, colon } = pick(cands, r);
  ls[i] = `${ls[i].slice(0, colon)}: ${value(ls[i].slice(colon + 1).trim())}`;
  return ls.join('\n');
}

function insertLine(t: string, r: Rand, line: (indent: string) => string): string {
  const ls = lines(t);
  const at = int(ls.length + 1, r);
  const indent = /^\s*/.exec(ls[Math.min(at, ls.length - 1)] ?? '')![0];
  ls.splice(at, 0, line(indent));
  return ls.join('\n');
}

const HUGE = ['1e400', '-1e400', '99999999999999999999999999999', '0x7fffffffffffffffffff', '.nan', '.inf', '-.inf', '-0', '0o777777777777777777777', '1_000', '+12', '5e-324', '1.7976931348623157e309', '0b101', '9007199254740993'];
const TAGS = ['!!binary', '!!set', '!!omap', '!!pairs', '!!timestamp', '!!float', '!!int', '!!bool', '!!null', '!!str', '!!map', '!!seq', '!custom', '!<tag:yaml.org,2002:str>', '!e!thing', '!!python/object'];

const TEXT_OPS: Record<string, TextOp> = {
  'alias-missing-anchor': (t, r) => replaceValue(t, r, () => `*${pick(['nope', 'a', 'x1', 'chain', 'spec'], r)}`),
  'alias-before-anchor': (t, r) => replaceValue(replaceValue(t, r, () => '*late'), r, (v) => `&late ${v}`),
  'anchor-and-alias': (t, r) => replaceValue(replaceValue(t, r, (v) => `&a1 ${v}`), r, () => '*a1'),
  'self-alias': (t, r) => replaceValue(t, r, () => '&s [*s]'),
  'merge-key': (t, r) => insertLine(t, r, (ind) => `${ind}<<: ${pick(['*nope', '*a1', '{a: 1}', '[1, 2]', '1'], r)}`),
  'duplicate-anchor': (t, r) => replaceValue(replaceValue(t, r, (v) => `&d ${v}`), r, (v) => `&d ${v}`),
  'alias-bomb': (t) => {
    let bomb = 'z0: &z0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 9; i++) bomb += `z${i}: &z${i} [${Array(10).fill(`*z${i - 1}`).join(', ')}]\n`;
    return bomb + t;
  },
  tag: (t, r) => replaceValue(t, r, (v) => `${pick(TAGS, r)} ${v}`),
  'tag-directive': (t, r) => `%TAG ${pick(['!e!', '!!', '!'], r)} ${pick(['tag:example.com,2000:', '!x', ''], r)}\n---\n${t}`,
  'yaml-directive': (t, r) => `%YAML ${pick(['1.1', '1.2', '2.0', '1.3', 'x'], r)}\n---\n${t}`,
  'multi-document': (t, r) => (r() < 0.5 ? `${t}\n---\n${t}` : `---\n${t}\n...\n---\nfoo: bar\n`),
  'document-end': (t, r) => insertLine(t, r, () => pick(['...', '---', '--- !!map', '--- |'], r)),
  'indent-shift': (t, r) => {
    const ls = lines(t);
    const i = int(ls.length, r);
    ls[i] = r() < 0.5 ? ' '.repeat(1 + int(3, r)) + ls[i] : ls[i].replace(/^ {1,2}/, '');
    return ls.join('\n');
  },
  'indent-tab': (t, r) => {
    const ls = lines(t);
    const i = int(ls.length, r);
    ls[i] = ls[i].replace(/^( +)/, (s) => '\t'.repeat(Math.max(1, s.length / 2)));
    if (!/^\t/.test(ls[i])) ls[i] = '\t' + ls[i];
    return ls.join('\n');
  },
  'duplicate-line': (t, r) => {
    const ls = lines(t);
    const i = int(ls.length, r);
    ls.splice(i, 0, ls[i]);
    return ls.join('\n');
  },
  'duplicate-key-flow': (t, r) => replaceValue(t, r, () => '{a: 1, a: 2}'),
  'delete-line': (t, r) => {
    const ls = lines(t);
    ls.splice(int(ls.length, r), 1 + int(2, r));
    return ls.join('\n');
  },
  'swap-lines': (t, r) => {
    const ls = lines(t);
    const i = int(ls.length, r);
    const j = int(ls.length, r);
    [ls[i], ls[j]] = [ls[j], ls[i]];
    return ls.join('\n');
  },
  'flow-in-block': (t, r) => replaceValue(t, r, (v) => pick([`[${v}`, `{${v}`, `[${v}]]`, `{${v}: }`, `[${v}, {a: [b, c}]`, `{ ? ${v} : x }`, `[a: b, c]`], r)),
  'block-in-flow': (t, r) => replaceValue(t, r, (v) => `{ key: ${v},\n- item\n  other: 1 }`),
  'block-scalar': (t, r) => replaceValue(t, r, () => `${pick(['|', '>', '|-', '>+', '|2', '|0', '>9'], r)}\n${pick(['text', '   deep', '', 'a: b'], r)}`),
  'unterminated-quote': (t, r) => replaceValue(t, r, (v) => pick([`"${v}`, `'${v}`, `"${v}\\`, `"\\x${v}"`, `"\\u12"`, `'it''s`], r)),
  'stray-char': (t, r) => {
    const i = int(t.length + 1, r);
    return t.slice(0, i) + pick([':', '-', '?', '|', '>', '&', '*', '!', '%', '@', '`', '#', '{', '}', '[', ']', ',', '"', "'", '\\', '\u0000', '\u0007', '\ufeff', '\u2028', '\r', '\t'], r) + t.slice(i);
  },
  'comment-in-value': (t, r) => replaceValue(t, r, (v) => `${v}#no-space ${pick(['# x', '#', ' # y'], r)}`),
  'huge-number': (t, r) => replaceValue(t, r, () => pick(HUGE, r)),
  'long-string': (t, r) => replaceValue(t, r, () => 'x'.repeat(1000 + int(100_000, r))),
  'deep-flow': (t, r) => {
    const n = pick([40, 70, 200, 2000, 20_000], r);
    const open = pick(['[', '{a: '], r);
    const close = open === '[' ? ']' : '}';
    return replaceValue(t, r, () => open.repeat(n) + (r() < 0.7 ? '1' + close.repeat(n) : ''));
  },
  'deep-block': (t, r) => {
    const n = pick([40, 70, 300, 1500], r);
    let s = '';
    for (let i = 0; i < n; i++) s += `${' '.repeat(i)}${r() < 0.5 ? `k${i}:` : '-'}\n`;
    return `${t}\n${s}`;
  },
  truncate: (t, r) => t.slice(0, int(t.length, r)),
  'key-with-colon': (t, r) => insertLine(t, r, (ind) => `${ind}${pick(['a:b: c', '"k": v', '? complex\n' + ind + ': v', '[1, 2]: x', '{a: 1}: y', ': nokey', '__proto__: {polluted: true}', 'constructor: {prototype: {}}'], r)}`),
  'crlf': (t) => t.replace(/\n/g, '\r\n'),
  'empty-or-scalar': (_t, r) => pick(['', '   ', '# only a comment', 'just a string', '42', '- a\n- b', 'null', '~', '[]', '{}', '---', '\ufeff'], r),
};

const BYTE_OPS: Record<string, ByteOp> = {
  'invalid-utf8': (b, r) => {
    const seqs = [[0xff], [0xfe], [0xc3], [0xc0, 0xaf], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf5, 0x80, 0x80, 0x80], [0x80], [0xf0, 0x9f, 0x98]];
    const s = pick(seqs, r);
    const i = int(b.length + 1, r);
    const out = new Uint8Array(b.length + s.length);
    out.set(b.subarray(0, i));
    out.set(s, i);
    out.set(b.subarray(i), i + s.length);
    return out;
  },
  'utf16-bom': (b, r) => {
    // The same text saved as UTF-16 LE with a byte-order mark: what some Windows editors write.
    const text = new TextDecoder().decode(b);
    const out = new Uint8Array(2 + text.length * 2);
    out[0] = 0xff;
    out[1] = 0xfe;
    for (let i = 0; i < text.length; i++) {
      out[2 + 2 * i] = text.charCodeAt(i) & 0xff;
      out[3 + 2 * i] = text.charCodeAt(i) >> 8;
    }
    return r() < 0.5 ? out : out.subarray(0, 2 + 2 * int(text.length, r));
  },
  'byte-flip': (b, r) => {
    const out = Uint8Array.from(b);
    for (let k = 0; k < 1 + int(4, r); k++) if (out.length) out[int(out.length, r)] = int(256, r);
    return out;
  },
};

// ---- schema-level: on the parsed document, written back as YAML ----

type Path = Array<string | number>;

function paths(data: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(data)) data.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (data && typeof data === 'object') for (const [k, v] of Object.entries(data)) paths(v, [...prefix, k], out);
  return out;
}

function parentOf(data: any, p: Path): any {
  let cur = data;
  for (const seg of p.slice(0, -1)) cur = cur?.[seg];
  return cur;
}

const WRONG_VALUES = (r: Rand, vocab: string[]): unknown =>
  pick<() => unknown>([
    () => null,
    () => true,
    () => 'yes',
    () => '',
    () => -1,
    () => 0,
    () => 1.5,
    () => 1e300,
    () => -1e300,
    () => Number.MAX_SAFE_INTEGER + 2,
    () => [],
    () => [1, 'two'],
    () => ({}),
    () => ({ unexpected: 1 }),
    () => pick(vocab, r),
    () => pick(vocab, r) + 'x',
    () => pick(vocab, r).toUpperCase(),
    () => 'x'.repeat(300),
    () => '127.0.0.1/33',
    () => '10.0.0.0/8',
    () => 'vpc',
  ], r)();

const DATA_OPS: Record<string, DataOp> = {
  'remove-key': (d, r) => {
    const ps = paths(d).filter((p) => typeof p.at(-1) === 'string');
    if (!ps.length) return d;
    const p = pick(ps, r);
    delete parentOf(d, p)[p.at(-1)!];
    return d;
  },
  'rename-key': (d, r) => {
    const ps = paths(d).filter((p) => typeof p.at(-1) === 'string');
    if (!ps.length) return d;
    const p = pick(ps, r);
    const parent = parentOf(d, p);
    const k = p.at(-1) as string;
    const nk = pick([k + 's', k.slice(1), k.toUpperCase(), k.replace(/[aeiou]/, ''), `${k}_`, '__proto__'], r);
    const v = parent[k];
    delete parent[k];
    Object.defineProperty(parent, nk, { value: v, enumerable: true, configurable: true, writable: true });
    return d;
  },
  'add-key': (d, r, vocab) => {
    const maps = paths(d).filter((p) => {
      const v = p.reduce<any>((c, s) => c?.[s], d);
      return v && typeof v === 'object' && !Array.isArray(v);
    });
    if (!maps.length) return d;
    const target = pick(maps, r).reduce<any>((c, s) => c?.[s], d);
    target[pick([...vocab, 'extra', 'latencyMs', 'replica'], r)] = WRONG_VALUES(r, vocab);
    return d;
  },
  'wrong-value': (d, r, vocab) => {
    const ps = paths(d).filter((p) => p.length > 0);
    if (!ps.length) return d;
    const p = pick(ps, r);
    parentOf(d, p)[p.at(-1)!] = WRONG_VALUES(r, vocab);
    return d;
  },
  'scale-number': (d, r) => {
    const ps = paths(d).filter((p) => p.length > 0 && typeof p.reduce<any>((c, s) => c?.[s], d) === 'number');
    if (!ps.length) return d;
    const p = pick(ps, r);
    const parent = parentOf(d, p);
    parent[p.at(-1)!] = pick([(x: number) => -x, (x: number) => x * 1e9, (x: number) => x + 0.5, () => 0, (x: number) => x / 1e9], r)(parent[p.at(-1)!]);
    return d;
  },
  'list-item': (d, r) => {
    const lists = paths(d).filter((p) => Array.isArray(p.reduce<any>((c, s) => c?.[s], d)));
    if (!lists.length) return d;
    const list: unknown[] = pick(lists, r).reduce<any>((c, s) => c?.[s], d);
    const op = int(5, r);
    if (op === 0) list.splice(int(list.length, r), 1);
    else if (op === 1 && list.length) list.splice(int(list.length, r), 0, structuredClone(list[int(list.length, r)]));
    else if (op === 2 && list.length > 1) {
      const i = int(list.length, r);
      const j = int(list.length, r);
      [list[i], list[j]] = [list[j], list[i]];
    } else if (op === 3) list.length = 0;
    else list.push(null);
    return d;
  },
  'swap-subtrees': (d, r) => {
    const ps = paths(d).filter((p) => p.length > 1);
    if (ps.length < 2) return d;
    const a = pick(ps, r);
    const b = pick(ps, r);
    const va = structuredClone(a.reduce<any>((c, s) => c?.[s], d));
    const vb = structuredClone(b.reduce<any>((c, s) => c?.[s], d));
    const pa = parentOf(d, a);
    const pb = parentOf(d, b);
    if (pa && typeof pa === 'object') pa[a.at(-1)!] = vb;
    if (pb && typeof pb === 'object') pb[b.at(-1)!] = va;
    return d;
  },
};

export const OPERATORS = {
  text: Object.keys(TEXT_OPS),
  bytes: Object.keys(BYTE_OPS),
  data: Object.keys(DATA_OPS),
};

/** The text operators that mean something for JSON documents too (the rest are YAML-only syntax). */
export const JSON_TEXT_OPS = ['duplicate-line', 'delete-line', 'swap-lines', 'stray-char', 'huge-number', 'long-string', 'deep-flow', 'truncate', 'crlf', 'empty-or-scalar', 'unterminated-quote', 'flow-in-block'];

/** Every scalar string of the document: the vocabulary schema-level mutations draw plausible values from. */
function vocabulary(data: unknown): string[] {
  const words = new Set<string>();
  for (const p of paths(data)) {
    const v = p.reduce<any>((c, s) => c?.[s], data);
    if (typeof v === 'string' && v.length < 40) words.add(v);
    if (typeof p.at(-1) === 'string') words.add(p.at(-1) as string);
  }
  return [...words];
}

/**
 * `count` mutants of the `seeds` (valid documents' text; JSON with `json`), each with 1-3 operators: about 40% schema-level
 * (document parsed, changed, written back, then maybe a YAML-level operator on top), 50% YAML-level text,
 * 10% byte-level.
 */
export function* mutants(seeds: string[], count: number, seed: number, o: { json?: boolean } = {}): Generator<Mutant> {
  const r = seededRandom(seed);
  const textOps = o.json ? JSON_TEXT_OPS : OPERATORS.text;
  const write = o.json ? (d: unknown) => JSON.stringify(d, null, 2) : (d: unknown) => stringify(d);
  const enc = new TextEncoder();
  const parsed = seeds.map((s) => parse(s));
  const vocab = [...new Set(parsed.flatMap(vocabulary))];
  for (let n = 0; n < count; n++) {
    const si = int(seeds.length, r);
    const ops: string[] = [];
    let text = seeds[si];
    const kind = r();
    if (kind < 0.4) {
      let data = structuredClone(parsed[si]);
      for (let k = 0; k < 1 + int(3, r); k++) {
        const name = pick(OPERATORS.data, r);
        ops.push(name);
        data = DATA_OPS[name](data, r, vocab);
      }
      text = write(data);
      if (r() < 0.3) {
        const name = pick(textOps, r);
        ops.push(name);
        text = TEXT_OPS[name](text, r);
      }
    } else {
      for (let k = 0; k < 1 + int(kind < 0.9 ? 3 : 1, r); k++) {
        const name = pick(textOps, r);
        ops.push(name);
        text = TEXT_OPS[name](text, r);
      }
    }
    let bytes: Uint8Array = enc.encode(text);
    if (kind >= 0.9) {
      const name = pick(OPERATORS.bytes, r);
      ops.push(name);
      bytes = BYTE_OPS[name](bytes, r);
    }
    yield { bytes, ops };
  }
}
