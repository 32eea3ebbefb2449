// S3's XML: documents built with xml2js in S3's namespace, and request bodies parsed without surprises.
import { lazyRequire } from '../../util/lazyRequire.js';

const xml2js = lazyRequire<typeof import('xml2js')>('xml2js');

export const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** Characters of a request document parsed per turn of the event loop (a few milliseconds' work at worst). */
const XML_CHUNK = 8 * 1024;

let builder: import('xml2js').Builder | undefined;
const xmlBuilder = () => (builder ??= new (xml2js().Builder)({ renderOpts: { pretty: false }, xmldec: { version: '1.0', encoding: 'UTF-8' } }));

// Characters XML 1.0 cannot carry (control characters other than tab/LF/CR, lone surrogates, U+FFFE/U+FFFF).
// eslint-disable-next-line no-control-regex
const ILLEGAL_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export const hasIllegalXmlChars = (s: string) => new RegExp(ILLEGAL_XML.source).test(s);

export type XmlValue = string | number | boolean | Date | undefined | null | XmlValue[] | { [k: string]: XmlValue };

function clean(v: XmlValue): unknown {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v.replace(ILLEGAL_XML, '\ufffd');
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return isoTime(v.getTime());
  if (Array.isArray(v)) return v.map(clean).filter((x) => x !== undefined);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const c = clean(x);
    if (c !== undefined) out[k] = c;
  }
  return out;
}

/** A namespaced S3 document: `<root xmlns="...">body</root>`. Undefined members are left out. */
export function s3Xml(root: string, body: Record<string, XmlValue>, namespaced = true): string {
  const content = clean(body) as Record<string, unknown>;
  return xmlBuilder().buildObject({ [root]: namespaced ? { $: { xmlns: S3_NS }, ...content } : content });
}

let fragmentBuilder: import('xml2js').Builder | undefined;
const xmlFragmentBuilder = () => (fragmentBuilder ??= new (xml2js().Builder)({ renderOpts: { pretty: false }, headless: true }));

/**
 * A namespaced S3 document whose children keep the order given, even when names alternate
 * (ListObjectVersions interleaves <Version> and <DeleteMarker>, which an object of members cannot).
 * Undefined children are left out.
 */
export function s3XmlInOrder(root: string, children: [string, XmlValue][]): string {
  const parts = children
    .map(([name, value]) => [name, clean(value)] as const)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => xmlFragmentBuilder().buildObject({ [name]: value }));
  return `<?xml version="1.0" encoding="UTF-8"?><${root} xmlns="${S3_NS}">${parts.join('')}</${root}>`;
}

/** S3's timestamps in XML: ISO 8601 with milliseconds. */
export const isoTime = (ms: number) => new Date(ms).toISOString();

/** S3's timestamps in headers: RFC 1123. */
export const httpTime = (ms: number) => new Date(ms).toUTCString();

/**
 * Parses a request body; anything that is not well-formed XML answers undefined. In slices (xml2js's
 * async mode: one chunk per turn of the event loop), so a large document never stalls other requests.
 */
export async function parseXml(text: string): Promise<Record<string, any> | undefined> {
  if (text.trim() === '') return undefined;
  try {
    const doc = await xml2js().parseStringPromise(text, { explicitArray: true, explicitRoot: true, trim: true, async: true, chunkSize: XML_CHUNK });
    return doc && typeof doc === 'object' ? (doc as Record<string, any>) : undefined;
  } catch {
    return undefined;
  }
}

/** The text of a child element parsed with explicitArray (first occurrence), or undefined. */
export function text(node: any, name: string): string | undefined {
  const v = node?.[name]?.[0];
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && typeof v._ === 'string') return v._;
  if (typeof v === 'object' && Object.keys(v).every((k) => k === '$')) return '';
  return undefined;
}
