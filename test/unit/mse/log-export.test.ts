/**
 * The Player's event log export (renderer/lib/mse/log-export.ts): the JSON media-internals-like
 * shape, every field present (null where the event has none), and a file name safe everywhere.
 */
import { describe, expect, it } from 'vitest';
import { exportLog, exportName } from '../../../renderer/lib/mse/log-export';
import type { LogEntry } from '../../../renderer/lib/mse/player';

const entries: LogEntry[] = [
  { id: 1, t: 0.12345, source: 'MediaSource', type: 'sourceopen', level: 'info', text: 'readyState open' },
  { id: 2, t: 57.5, source: 'player', type: 'append', level: 'info', text: 'segment 0 (seg_000.m4s 0+66885, 66,885 B) → SourceBuffer 0', stream: 2, segment: 0 },
  { id: 3, t: 58.25, source: 'SourceBuffer 0', type: 'updateend', level: 'info', text: 'append finished', stream: 2, buffered: '0.000-1.000' },
  { id: 4, t: 825.0004, source: 'player', type: 'switch', level: 'ok', text: 'a → b at 2.000 s', stream: 3, segment: 2, buffered: '0.000-2.000' },
  { id: 5, t: 900, source: 'SourceBuffer 1', type: 'appendBuffer', level: 'error', text: 'QuotaExceededError: full', stream: 0, segment: -1 },
];

describe('event log export', () => {
  it('writes source, start time, user agent and every event in order with all its fields', () => {
    const startedAt = Date.UTC(2026, 11, 6, 17, 3, 20, 456);
    const out = exportLog(entries, { source: 'http://127.0.0.1:5000/f0/master.m3u8', startedAt, userAgent: 'Mozilla/5.0 Chrome/156' });
    expect(out.source).toBe('http://127.0.0.1:5000/f0/master.m3u8');
    expect(out.startedAt).toBe('2026-12-06T17:03:20.456Z');
    expect(out.userAgent).toBe('Mozilla/5.0 Chrome/156');
    expect(out.events).toHaveLength(entries.length);
    expect(out.events[0]).toEqual({ t: 0.123, source: 'MediaSource', type: 'sourceopen', level: 'info', text: 'readyState open', stream: null, segment: null, buffered: null });
    expect(out.events[3]).toEqual({ t: 825, source: 'player', type: 'switch', level: 'ok', text: 'a → b at 2.000 s', stream: 3, segment: 2, buffered: '0.000-2.000' });
    // The init segment is segment -1 (as in the log), not dropped as falsy.
    expect(out.events[4]!.segment).toBe(-1);
    expect(out.events[4]!.stream).toBe(0);
    // Fields in a fixed order, the same for every event (diffable exports).
    for (const e of out.events) expect(Object.keys(e)).toEqual(['t', 'source', 'type', 'level', 'text', 'stream', 'segment', 'buffered']);
    // Round-trips through JSON unchanged.
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
  });

  it('an empty log is still a valid export', () => {
    expect(exportLog([], { source: 'clip.mp4', startedAt: 0, userAgent: '' })).toEqual({ source: 'clip.mp4', startedAt: '1970-01-01T00:00:00.000Z', userAgent: '', events: [] });
  });

  it('names the file after the source and the load time, without characters file systems refuse', () => {
    const at = Date.UTC(2026, 11, 6, 17, 3, 20, 456);
    expect(exportName('master.m3u8', at)).toBe('master.m3u8.events-2026-12-06T17-03-20.json');
    expect(exportName('a/b:c*?.mp4', at)).toBe('a_b_c_.mp4.events-2026-12-06T17-03-20.json');
    expect(exportName('', at)).toBe('player.events-2026-12-06T17-03-20.json');
  });
});
