// A floor for the `mwb inspect --json` row of `npm run bench -- cli`, not part of the product:
// the least a Node process could do to print the box tree of the fragmented bench file. It knows
// the file's layout in advance (top-level boxes; moof → mfhd, traf → tfhd, tfdt, trun; no other
// box decoded), reads each top-level box header with one synchronous pread, and writes the moof
// subtrees in the same pretty JSON layout as `mwb inspect --json` (paths, offsets, sizes, every
// trun sample size), about 83% of its bytes. No engine, no options, no error handling: if this
// takes T ms, no general reader in a Node process can print the whole tree in less.
'use strict';
const fs = require('node:fs');

const fd = fs.openSync(process.argv[2], 'r');
const size = fs.fstatSync(fd).size;
const head = Buffer.allocUnsafe(64 * 1024);
const out = Buffer.allocUnsafe(4 * 1024 * 1024);
let used = 0;
const INDENT = [''];
for (let i = 1; i < 16; i++) INDENT.push(INDENT[i - 1] + '  ');

function emit(text) {
  if (used + text.length * 3 > out.length) {
    fs.writeSync(1, out, 0, used);
    used = 0;
  }
  used += out.write(text, used);
}

function fullBoxTail(b, at, nl) {
  return ',' + nl + '"version": ' + b[at + 8] + ',' + nl + '"flags": ' + ((b[at + 9] << 16) | (b[at + 10] << 8) | b[at + 11]);
}

function fieldsOf(b, at, type, level) {
  const nl = '\n' + INDENT[level + 1];
  const close = '\n' + INDENT[level] + '}';
  switch (type) {
    case 'mfhd':
      return '{' + nl + '"sequence_number": ' + b.readUInt32BE(at + 12) + close;
    case 'tfhd':
      return '{' + nl + '"track_id": ' + b.readUInt32BE(at + 12) + ',' + nl + '"default_sample_duration": ' + b.readUInt32BE(at + 16) + ',' + nl + '"default_sample_size": ' + b.readUInt32BE(at + 20) + ',' + nl + '"default_sample_flags": ' + b.readUInt32BE(at + 24) + close;
    case 'tfdt':
      return '{' + nl + '"baseMediaDecodeTime": ' + (b[at + 8] ? b.readUInt32BE(at + 12) * 2 ** 32 + b.readUInt32BE(at + 16) : b.readUInt32BE(at + 12)) + close;
    case 'trun': {
      const count = b.readUInt32BE(at + 12);
      const sizes = new Uint32Array(count);
      for (let i = 0, p = at + 24; i < count; i++, p += 4) sizes[i] = b.readUInt32BE(p);
      const inner = '\n' + INDENT[level + 2];
      return '{' + nl + '"sample_count": ' + count + ',' + nl + '"data_offset": ' + b.readInt32BE(at + 16) + ',' + nl + '"first_sample_flags": ' + b.readUInt32BE(at + 20) + ',' + nl + '"sample_size": [' + inner + sizes.join(',' + inner) + nl + ']' + close;
    }
    default:
      return '{}';
  }
}

/** The boxes of `b[from, to)` (file offset `base + i`), as inspect's JSON at `level`. */
function children(b, base, from, to, level, parentPath) {
  const seen = Object.create(null);
  emit('[');
  for (let at = from, first = true; at + 8 <= to; first = false) {
    const boxSize = b.readUInt32BE(at);
    const type = b.toString('latin1', at + 4, at + 8);
    const n = (seen[type] = (seen[type] ?? -1) + 1);
    const path = parentPath + '/' + (type === 'traf' || type === 'trun' ? type + '[' + n + ']' : type);
    const nl = '\n' + INDENT[level + 2];
    let text = (first ? '' : ',') + '\n' + INDENT[level + 1] + '{' + nl + '"type": "' + type + '",' + nl + '"offset": ' + (base + at) + ',' + nl + '"size": ' + boxSize + ',' + nl + '"headerSize": 8,' + nl + '"path": "' + path + '",' + nl + '"fields": ';
    if (type === 'traf') {
      emit(text + '{},' + nl + '"children": ');
      children(b, base, at + 8, at + boxSize, level + 2, path);
      emit('\n' + INDENT[level + 1] + '}');
    } else {
      emit(text + fieldsOf(b, at, type, level + 2) + fullBoxTail(b, at, nl) + '\n' + INDENT[level + 1] + '}');
    }
    at += boxSize;
  }
  emit('\n' + INDENT[level] + ']');
}

emit('{\n  "boxes": [');
const counts = Object.create(null);
for (let pos = 0, first = true; pos + 8 <= size; first = false) {
  const got = fs.readSync(fd, head, 0, head.length, pos);
  const size32 = head.readUInt32BE(0);
  const type = head.toString('latin1', 4, 8);
  const boxSize = size32 === 1 ? head.readUInt32BE(8) * 2 ** 32 + head.readUInt32BE(12) : size32 === 0 ? size - pos : size32;
  const n = (counts[type] = (counts[type] ?? -1) + 1);
  const path = type + '[' + n + ']';
  emit((first ? '' : ',') + '\n    {\n      "type": "' + type + '",\n      "offset": ' + pos + ',\n      "size": ' + boxSize + ',\n      "path": "' + path + '"');
  if (type === 'moof' && boxSize <= got) {
    emit(',\n      "children": ');
    children(head, pos, 8, boxSize, 3, path);
  }
  emit('\n    }');
  if (boxSize < 8) break;
  pos += boxSize;
}
emit('\n  ]\n}\n');
fs.writeSync(1, out, 0, used);
