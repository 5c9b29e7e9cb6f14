/**
 * DASH manifests as a small element tree, read by `fast-xml-parser` (a maintained parser; no DTDs,
 * no external entities). Namespace prefixes are dropped from names (`<mpd:Period>` is `Period`).
 * Pure JavaScript: no `node:*` import, so it can run on either side of the browser boundary.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ATTRS = ':@';
const TEXT = '#text';
const CDATA = '#cdata';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: CDATA,
  commentPropName: false,
});

type Ordered = Record<string, unknown>;

function convert(node: Ordered): XmlElement | string | undefined {
  for (const key of Object.keys(node)) {
    if (key === ATTRS) continue;
    const value = node[key];
    if (key === TEXT) return String(value ?? '');
    if (key === CDATA) return (value as Ordered[]).map((v) => String(v[TEXT] ?? '')).join('');
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries((node[ATTRS] as Record<string, unknown> | undefined) ?? {})) attrs[k] = String(v);
    const el: XmlElement = { name: key, attrs, children: [], text: '' };
    for (const child of (value as Ordered[]) ?? []) {
      const c = convert(child);
      if (typeof c === 'string') el.text += c;
      else if (c) el.children.push(c);
    }
    return el;
  }
  return undefined;
}

/** Parse a document; throws an Error naming the line on malformed markup. */
export function parseXml(text: string): XmlElement {
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: true });
  if (valid !== true) throw new Error(`${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  const nodes = parser.parse(text) as Ordered[];
  for (const n of nodes) {
    const el = convert(n);
    if (el && typeof el !== 'string') return el;
  }
  throw new Error('no root element');
}

export function children(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

export function first(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}
