import { describe, expect, it } from 'vitest';
import { normalizeTypedPath } from '../../electron/core/typed-path';

describe('paths typed into the Open box', () => {
  it('accepts quoted paths, file:// URLs and ~', () => {
    expect(normalizeTypedPath('"/home/me/My Videos/clip.mp4"', '/home/me', 'linux')).toBe('/home/me/My Videos/clip.mp4');
    expect(normalizeTypedPath("  '/tmp/a.mp4'  ", '/home/me', 'linux')).toBe('/tmp/a.mp4');
    expect(normalizeTypedPath('file:///home/me/My%20Videos/clip.mp4', '/home/me', 'linux')).toBe('/home/me/My Videos/clip.mp4');
    expect(normalizeTypedPath('~/clip.mp4', '/home/me', 'linux')).toBe('/home/me/clip.mp4');
    expect(normalizeTypedPath('"C:\\Users\\me\\clip.mp4"', 'C:\\Users\\me', 'win32')).toBe('C:\\Users\\me\\clip.mp4');
    expect(normalizeTypedPath('file:///C:/Users/me/clip.mp4', 'C:\\Users\\me', 'win32')).toBe('C:\\Users\\me\\clip.mp4');
  });

  it('refuses relative paths, saying they must be absolute', () => {
    expect(() => normalizeTypedPath('clip.mp4', '/home/me', 'linux')).toThrow(/"clip.mp4" is a relative path; type the full path/);
    expect(() => normalizeTypedPath('./x/clip.mp4', '/home/me', 'linux')).toThrow(expect.objectContaining({ code: 'ERELATIVE' }));
  });
});
