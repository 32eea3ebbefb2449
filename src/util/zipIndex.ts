// The central directory of a zip archive: its entries, the sizes they claim and where their data
// lies. It is the archive's own index (what unzip and Java's ZipFile read): extraction follows it
// instead of scanning for local headers, which the compressed data of a streamed entry (sizes in a
// trailing data descriptor) can happen to imitate.

export interface ZipIndexEntry {
  name: string;
  /** 0 stored, 8 deflate. */
  method: number;
  compressedSize: number;
  /** The size the archive claims once inflated. */
  size: number;
  /** Offset of the entry's compressed data in the archive. */
  dataStart: number;
}

/** The archive is not a zip, or is damaged. */
export class ZipFormatError extends Error {}

const END = 0x06054b50;
const END64_LOCATOR = 0x07064b50;
const END64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const FULL32 = 0xffffffff;

export function readZipIndex(zip: Uint8Array): ZipIndexEntry[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const need = (at: number, bytes: number) => {
    if (at < 0 || at + bytes > zip.length) throw new ZipFormatError('invalid zip data');
  };
  const u16 = (at: number) => (need(at, 2), view.getUint16(at, true));
  const u32 = (at: number) => (need(at, 4), view.getUint32(at, true));
  const u64 = (at: number) => (need(at, 8), Number(view.getBigUint64(at, true)));

  // The end record is in the last 22 bytes, or before a comment of up to 65,535 bytes.
  let end = -1;
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 0xffff); at--)
    if (view.getUint32(at, true) === END) {
      end = at;
      break;
    }
  if (end < 0) throw new ZipFormatError('invalid zip data');
  let count = u16(end + 10);
  let at = u32(end + 16);
  if ((count === 0xffff || at === FULL32) && end >= 20 && u32(end - 20) === END64_LOCATOR) {
    const end64 = u64(end - 20 + 8);
    if (u32(end64) !== END64) throw new ZipFormatError('invalid zip data');
    count = u64(end64 + 32);
    at = u64(end64 + 48);
  }

  const utf8 = new TextDecoder('utf-8');
  const latin1 = new TextDecoder('latin1');
  const entries: ZipIndexEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (u32(at) !== CENTRAL) throw new ZipFormatError('invalid zip data');
    const flags = u16(at + 8);
    const method = u16(at + 10);
    let compressedSize = u32(at + 20);
    let size = u32(at + 24);
    const nameLength = u16(at + 28);
    const extraLength = u16(at + 30);
    const commentLength = u16(at + 32);
    let local = u32(at + 42);
    need(at + 46, nameLength + extraLength);
    const nameBytes = zip.subarray(at + 46, at + 46 + nameLength);
    // Bit 11: the name is UTF-8; otherwise read it byte for byte (as fflate does).
    const name = (flags & 0x800 ? utf8 : latin1).decode(nameBytes);
    if (size === FULL32 || compressedSize === FULL32 || local === FULL32) {
      // Zip64: the real values are in extra field 0x0001, in this order, for those saturated above.
      for (let e = at + 46 + nameLength; e + 4 <= at + 46 + nameLength + extraLength; e += 4 + u16(e + 2)) {
        if (u16(e) !== 0x0001) continue;
        let f = e + 4;
        if (size === FULL32) {
          size = u64(f);
          f += 8;
        }
        if (compressedSize === FULL32) {
          compressedSize = u64(f);
          f += 8;
        }
        if (local === FULL32) local = u64(f);
        break;
      }
    }
    if (flags & 0x1) throw new ZipFormatError(`zip entry '${name}' is encrypted`);
    if (method !== 0 && method !== 8) throw new ZipFormatError(`zip entry '${name}' uses compression method ${method} (only stored and deflate are read)`);
    if (u32(local) !== LOCAL) throw new ZipFormatError('invalid zip data');
    const dataStart = local + 30 + u16(local + 26) + u16(local + 28);
    need(dataStart, compressedSize);
    entries.push({ name, method, compressedSize, size, dataStart });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
