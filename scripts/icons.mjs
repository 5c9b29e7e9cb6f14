// `npm run icons`: render every app icon from the one source, resources/icon.svg.
//
//   resources/icon.png            512×512 (window icon, fallback)
//   resources/icons/NxN.png        16…512 for Linux (AppImage, deb)
//   resources/icon.ico            16…256 for Windows (BMP entries up to 48 px, PNG above, as Windows expects)
//   resources/icon.icns           16…1024 for macOS (PNG entries, retina variants included)
//   resources/icons/source.sha256 hash of icon.svg, so a test notices an icon that was not regenerated
//
// Needs `rsvg-convert` (librsvg): Debian/Ubuntu `apt-get install librsvg2-bin`, macOS `brew install librsvg`.
// Everything else (PNG decoding, ICO and ICNS containers) is done here. `npm test` never runs this.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync, inflateSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const resources = path.join(root, 'resources');
const source = path.join(resources, 'icon.svg');

function render(size) {
  const res = spawnSync('rsvg-convert', ['--width', String(size), '--height', String(size), '--keep-aspect-ratio', source], {
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.error?.code === 'ENOENT') {
    console.error('icons: rsvg-convert is not installed. Debian/Ubuntu: apt-get install librsvg2-bin; macOS: brew install librsvg.');
    process.exit(1);
  }
  if (res.status !== 0) {
    console.error(`icons: rsvg-convert failed for ${size}px: ${res.stderr.toString()}`);
    process.exit(1);
  }
  return res.stdout;
}

// --- PNG: decode to RGBA, re-encode with maximum compression ---------------------------------
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

export function decodePng(png) {
  let pos = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  const idat = [];
  while (pos < png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    const data = png.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || (data[9] !== 6 && data[9] !== 2) || data[12] !== 0) throw new Error('only 8-bit RGB/RGBA non-interlaced PNGs');
      colorType = data[9];
    } else if (type === 'IDAT') idat.push(data);
    pos += 12 + len;
  }
  const bpp = colorType === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const out = Buffer.alloc(width * height * 4);
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? line[i - bpp] : 0;
      const b = prev[i];
      const c = i >= bpp ? prev[i - bpp] : 0;
      let v = line[i];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      line[i] = v & 0xff;
    }
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      out[o] = line[x * bpp];
      out[o + 1] = line[x * bpp + 1];
      out[o + 2] = line[x * bpp + 2];
      out[o + 3] = bpp === 4 ? line[x * bpp + 3] : 255;
    }
    prev = line;
  }
  return { width, height, rgba: out };
}

function encodePng({ width, height, rgba }) {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    // Filter "up" for every row but the first: flat artwork compresses best this way.
    raw[y * (width * 4 + 1)] = y === 0 ? 0 : 2;
    for (let i = 0; i < width * 4; i++) {
      const v = rgba[y * width * 4 + i];
      raw[y * (width * 4 + 1) + 1 + i] = y === 0 ? v : (v - rgba[(y - 1) * width * 4 + i]) & 0xff;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// --- ICO: BMP (DIB) entries for small sizes, PNG entries for 64 px and up ----------------------
function dibEntry({ width, height, rgba }) {
  const header = Buffer.alloc(40);
  header.writeUInt32LE(40, 0);
  header.writeInt32LE(width, 4);
  header.writeInt32LE(height * 2, 8); // XOR bitmap + AND mask
  header.writeUInt16LE(1, 12);
  header.writeUInt16LE(32, 14);
  const pixels = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const src = ((height - 1 - y) * width + x) * 4; // bottom-up, BGRA
      const dst = (y * width + x) * 4;
      pixels[dst] = rgba[src + 2];
      pixels[dst + 1] = rgba[src + 1];
      pixels[dst + 2] = rgba[src];
      pixels[dst + 3] = rgba[src + 3];
    }
  }
  const maskStride = Math.ceil(width / 32) * 4;
  const mask = Buffer.alloc(maskStride * height); // all zero: alpha channel decides
  return Buffer.concat([header, pixels, mask]);
}

function ico(images) {
  const dir = Buffer.alloc(6 + 16 * images.length);
  dir.writeUInt16LE(1, 2);
  dir.writeUInt16LE(images.length, 4);
  let offset = dir.length;
  images.forEach(({ size, data }, i) => {
    const e = 6 + 16 * i;
    dir[e] = size >= 256 ? 0 : size;
    dir[e + 1] = size >= 256 ? 0 : size;
    dir.writeUInt16LE(1, e + 4);
    dir.writeUInt16LE(32, e + 6);
    dir.writeUInt32LE(data.length, e + 8);
    dir.writeUInt32LE(offset, e + 12);
    offset += data.length;
  });
  return Buffer.concat([dir, ...images.map((i) => i.data)]);
}

// --- ICNS: PNG entries --------------------------------------------------------------------------
const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
  ['ic11', 32],
  ['ic12', 64],
  ['ic13', 256],
  ['ic14', 512],
];
function icns(pngBySize) {
  const parts = ICNS_TYPES.map(([type, size]) => {
    const data = pngBySize.get(size);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([head, data]);
  });
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}

const sizes = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const png = new Map();
const decoded = new Map();
for (const size of sizes) {
  const image = decodePng(render(size));
  if (image.width !== size || image.height !== size) throw new Error(`rsvg-convert gave ${image.width}x${image.height} for ${size}`);
  decoded.set(size, image);
  png.set(size, encodePng(image));
}

mkdirSync(path.join(resources, 'icons'), { recursive: true });
const written = [];
const write = (rel, data) => {
  writeFileSync(path.join(resources, rel), data);
  written.push(`${rel} (${(data.length / 1024).toFixed(1)} KiB)`);
};
write('icon.png', png.get(512));
for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) write(`icons/${size}x${size}.png`, png.get(size));
write(
  'icon.ico',
  ico([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, data: size <= 48 ? dibEntry(decoded.get(size)) : png.get(size) }))),
);
write('icon.icns', icns(png));
write('icons/source.sha256', createHash('sha256').update(readFileSync(source)).digest('hex') + '  icon.svg\n');
console.log(`icons: rendered from resources/icon.svg:\n  ${written.join('\n  ')}`);
