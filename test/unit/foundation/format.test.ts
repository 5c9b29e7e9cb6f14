import { describe, expect, it } from 'vitest';
import { formatBytes, formatClock, plural } from '../../../electron/core/format';
import { bindingSlot, bindingState, dropBindingState, type HandlerContext } from '../../../electron/handlers/context';
import { FileRegistry } from '../../../electron/core/files';

describe('one way to show numbers (UI and CLI)', () => {
  it('formats bytes 1024-based, one decimal below 100 of a unit', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.0 KB');
    expect(formatBytes(2048)).toBe('2.0 KB');
    expect(formatBytes(10_035)).toBe('9.8 KB');
    expect(formatBytes(188_416)).toBe('184 KB');
    expect(formatBytes(1.5 * 1024 ** 2)).toBe('1.5 MB');
    expect(formatBytes(102_348)).toBe('99.9 KB');
    expect(formatBytes(102_390)).toBe('100 KB'); // 99.99 rounds up: no "100.0"
    expect(formatBytes(2.1 * 1024 ** 3)).toBe('2.1 GB');
    expect(formatBytes(null)).toBe('—');
    expect(formatBytes(Number.NaN)).toBe('—');
  });

  it('plurals and clocks', () => {
    expect(plural(1, 'frame')).toBe('1 frame');
    expect(plural(0, 'frame')).toBe('0 frames');
    expect(plural(2, 'entry', 'entries')).toBe('2 entries');
    expect(formatClock(75)).toBe('1:15');
    expect(formatClock(3725)).toBe('1:02:05');
    expect(formatClock(null)).toBe('—');
  });
});

describe('per-binding handler state', () => {
  const context = (): HandlerContext => ({ mode: 'web', files: new FileRegistry(), emit: () => {}, electronVersion: null });

  it('lives on each context: two bindings never share it, and it is made once per binding', () => {
    let made = 0;
    const slot = bindingSlot('test.counter', () => ({ n: ++made }));
    const a = context();
    const b = context();
    expect(bindingState(a, slot)).toBe(bindingState(a, slot));
    expect(bindingState(a, slot)).not.toBe(bindingState(b, slot));
    expect(made).toBe(2);
    dropBindingState(a, slot);
    expect(bindingState(a, slot).n).toBe(3);
  });
});
