// The baseline of `npm run bench -- cli`: mp4box.js reading a whole file as a process of its own
// (4 MiB appendBuffer chunks, as the inspect benchmark feeds it), printing the top-level box types.
import { open } from 'node:fs/promises';
import { createFile, Log } from 'mp4box';

const file = process.argv[2];
Log.setLogLevel(Log.error);
const iso = createFile();
const handle = await open(file, 'r');
const { size } = await handle.stat();
const CHUNK = 4 * 1024 * 1024;
for (let offset = 0; offset < size; ) {
  const chunk = new ArrayBuffer(Math.min(CHUNK, size - offset));
  const { bytesRead } = await handle.read(new Uint8Array(chunk), 0, chunk.byteLength, offset);
  if (bytesRead === 0) break;
  chunk.fileStart = offset;
  offset += bytesRead;
  iso.appendBuffer(chunk, offset >= size);
}
iso.flush();
await handle.close();
process.stdout.write(JSON.stringify(iso.boxes.map((b) => b.type)) + '\n');
