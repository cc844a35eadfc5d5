// Maps a field path in a parsed YAML document back to a line and column in the source.
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export interface Pos {
  line: number;
  column: number;
}

/**
 * The node at `path`, or the deepest existing ancestor when the path does not exist (a missing key is
 * reported at the map that should hold it). `keyOf` returns the key node of the last segment instead of
 * its value (unknown-key errors point at the key).
 */
export function locate(doc: Document, lc: LineCounter, path: ReadonlyArray<PropertyKey>, keyOf = false): Pos {
  let node: Node | null | undefined = doc.contents as Node | null;
  let lastGood: Node | null | undefined = node;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair: any = node.items.find((p: unknown) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      if (last && keyOf) {
        node = pair.key as Node;
      } else {
        node = (pair.value as Node | null) ?? (pair.key as Node);
      }
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg] as Node | undefined;
      if (!node) break;
    } else {
      break;
    }
    lastGood = node;
  }
  const target = lastGood ?? node;
  const offset = target?.range?.[0] ?? 0;
  const p = lc.linePos(offset);
  return { line: p.line, column: p.col };
}
