import { describe, expect, it } from 'vitest';
import { MAX_ERRORS, visibleToasts, type Toast } from '../../renderer/lib/toasts';

const t = (id: number, kind: Toast['kind']): Toast => ({ id, kind, text: `${kind} ${id}` });

describe('toast stack', () => {
  it('shows at most three errors, newest first, and counts the others', () => {
    const all = [t(1, 'error'), t(2, 'error'), t(3, 'info'), t(4, 'error'), t(5, 'error'), t(6, 'error')];
    const v = visibleToasts(all);
    expect(v.shown.map((x) => x.id)).toEqual([6, 5, 4, 3]);
    expect(v.shown.filter((x) => x.kind === 'error')).toHaveLength(MAX_ERRORS);
    expect(v.hiddenErrors).toBe(2);
  });

  it('shows everything when there are few', () => {
    const v = visibleToasts([t(1, 'success'), t(2, 'error')]);
    expect(v.shown.map((x) => x.id)).toEqual([2, 1]);
    expect(v.hiddenErrors).toBe(0);
  });
});
