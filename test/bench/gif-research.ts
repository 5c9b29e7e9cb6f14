import { spawn } from 'node:child_process';
import { writeFileSync, statSync } from 'node:fs';
import { encodeGif, type EncodeSettings } from '../../electron/core/gif/encoder';

function rawFrames(src: string, w: number, h: number): Promise<Uint8Array[]> {
  return new Promise((resolve, reject) => {
    const p = spawn('ffmpeg', ['-v', 'error', '-i', src, '-vf', `fps=15,scale=${w}:${h}:flags=lanczos`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
    const chunks: Buffer[] = [];
    p.stdout.on('data', (c: Buffer) => chunks.push(c));
    p.on('close', (code) => {
      if (code) return reject(new Error('ffmpeg failed'));
      const all = Buffer.concat(chunks);
      const fs = w * h * 3;
      const out: Uint8Array[] = [];
      for (let o = 0; o + fs <= all.length; o += fs) out.push(new Uint8Array(all.buffer, all.byteOffset + o, fs));
      resolve(out);
    });
  });
}

function ssim(gif: string, refDir: string): Promise<string> {
  return new Promise((resolve) => {
    const p = spawn('ffmpeg', ['-hide_banner', '-nostats', '-i', gif, '-framerate', '15', '-i', `${refDir}/f%04d.png`, '-lavfi', '[0]fps=15,setpts=N/15/TB,split[a1][a2];[1]setpts=N/15/TB,split[b1][b2];[a1]format=gbrp[x1];[b1]format=gbrp[y1];[x1][y1]ssim[o1];[a2]format=yuv420p[x2];[b2]format=yuv420p[y2];[x2][y2]ssim[o2]', '-map', '[o1]', '-f', 'null', '-', '-map', '[o2]', '-f', 'null', '-']);
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', () => { const rgb = /SSIM R:.*All:([0-9.]+)/.exec(err)?.[1]; const y = /SSIM Y:([0-9.]+)/.exec(err)?.[1]; resolve(`rgb ${rgb} Y ${y}`); });
  });
}

const [src, ref, name, json] = process.argv.slice(2);
const base: EncodeSettings = { width: 480, height: Number(process.env.H ?? 270), fps: 15, loop: 0, paletteMode: 'global', colours: 256, dither: 'none', ditherStrength: 0, keepLevels: 0 };
const variants: Record<string, Partial<EncodeSettings>> = JSON.parse(json!);
const t0 = Date.now();
const frames = await rawFrames(src!, 480, Number(process.env.H ?? 270));
const decodeMs = Date.now() - t0;
for (const [label, v] of Object.entries(variants)) {
  const s = { ...base, ...v };
  const parts: Uint8Array[] = [];
  const t = Date.now();
  const stats = await encodeGif({ count: frames.length, frame: async (i) => frames[i]! }, s, { write: (b) => void parts.push(b.slice()) });
  const ms = Date.now() - t;
  const out = `/tmp/gifres/out_${name}_${label}.gif`;
  writeFileSync(out, Buffer.concat(parts));
  console.log(`${name.padEnd(8)} ${label.padEnd(40)} ${String(statSync(out).size).padStart(9)}  ${await ssim(out, ref!)}  ${((ms + decodeMs) / 1000).toFixed(2)}s (enc ${ms} ms) gifFrames=${stats.gifFrames}`);
}
