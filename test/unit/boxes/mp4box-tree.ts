/** mp4box.js's view of a file's box tree, for agreement tests and the benchmark baseline. */
import { createFile, Log, type MP4BoxBuffer } from 'mp4box';

export interface RefBox {
  type: string;
  start: number;
  size: number;
  children?: RefBox[];
}

type Mp4boxObject = { type?: string; start?: number; size?: number; uuid?: string; [k: string]: unknown };

const CHILD_ARRAYS = ['boxes', 'entries', 'references', 'item_infos'];

function isBox(v: unknown): v is Mp4boxObject {
  return typeof v === 'object' && v !== null && typeof (v as Mp4boxObject).type === 'string' && typeof (v as Mp4boxObject).start === 'number' && typeof (v as Mp4boxObject).size === 'number';
}

function convert(box: Mp4boxObject): RefBox {
  const out: RefBox = { type: box.type!, start: box.start!, size: box.size! };
  for (const key of CHILD_ARRAYS) {
    const arr = box[key];
    if (Array.isArray(arr) && arr.length && arr.every(isBox)) {
      out.children = [...(out.children ?? []), ...arr.map(convert)];
    }
  }
  out.children?.sort((a, b) => a.start - b.start);
  return out;
}

/** Parse a whole in-memory file with mp4box.js (fed at once) and return its box tree. */
export function mp4boxTree(bytes: Uint8Array): RefBox[] {
  Log.setLogLevel(Log.error);
  const file = createFile();
  const buf = bytes.slice().buffer as MP4BoxBuffer;
  buf.fileStart = 0;
  file.appendBuffer(buf);
  file.flush();
  return (file.boxes as unknown as Mp4boxObject[]).filter(isBox).map(convert);
}
