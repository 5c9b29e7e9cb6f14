/**
 * The Compare view in Chromium (web mode): two files compared, the playback summary on top, the
 * trees in sync, next/previous difference from the keyboard, and the changed field highlighted.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAG, FRAG_MOOF, remux } from '../unit/compare/fixtures';
import { openInUi, startApp, type App } from './helpers';

describe('Compare view', () => {
  let app: App;
  let a: string;
  let b: string;

  beforeAll(async () => {
    a = await remux(['-movflags', FRAG]);
    b = await remux(['-movflags', FRAG_MOOF]);
    app = await startApp('#/compare');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('compares two opened files and highlights the changed field', async () => {
    const { page } = app;
    await openInUi(page, a);
    await openInUi(page, b);
    await page.getByTestId('compare-pick-a').selectOption({ label: path.basename(a) });
    await page.getByTestId('compare-pick-b').selectOption({ label: path.basename(b) });
    await page.getByTestId('compare-run').click();

    // Summary first: exactly the two topics this muxer setting changes, with their lint rules.
    const summary = page.getByTestId('compare-summary');
    await summary.waitFor();
    const rows = summary.getByTestId('compare-summary-row');
    await expect.poll(() => rows.count()).toBe(2);
    const tfhd = summary.locator('[data-topic="tfhd-base"]');
    await expect.poll(() => tfhd.textContent()).toContain('default-base-is-moof');
    expect(await tfhd.textContent()).toContain('tfhd-base-data-offset');

    // Both trees show the same aligned rows; the changed ones are marked on both sides.
    const treeA = page.getByTestId('compare-tree-a');
    const treeB = page.getByTestId('compare-tree-b');
    await expect.poll(() => treeA.locator('[data-status="changed"]').count()).toBeGreaterThan(0);
    expect(await treeA.locator('[data-status="changed"]').count()).toBe(await treeB.locator('[data-status="changed"]').count());

    // The first difference (ftyp) is selected; F7 goes to the next one: a tfhd whose flags changed.
    const fields = page.getByTestId('compare-fields');
    await expect.poll(() => fields.locator('h2').textContent()).toBe('ftyp');
    await page.keyboard.press('F7');
    await expect.poll(() => fields.locator('h2').textContent()).toBe('moof[0]/traf[0]/tfhd');
    await expect.poll(() => page.getByTestId('compare-position').textContent()).toContain('2 / 9');
    const changed = fields.getByTestId('compare-field-changed');
    await expect.poll(() => changed.count()).toBe(1);
    expect(await changed.getAttribute('data-field')).toBe('flags');
    const cells = changed.locator('td.value');
    expect(await cells.nth(0).textContent()).toContain('base-data-offset');
    expect(await cells.nth(1).textContent()).toContain('default-base-is-moof');
    // The standard's names, as the Inspector's detail pane prints them (one table behind both).
    expect(await cells.nth(1).textContent()).toContain('default-sample-flags-present');
    // Highlighted: the changed values have a background, an equal field's values do not.
    const background = (loc: ReturnType<typeof fields.locator>) => loc.evaluate((el) => getComputedStyle(el).backgroundColor);
    const same = fields.locator('[data-field="track_id"] td.value').first();
    expect(await background(cells.nth(1))).not.toBe(await background(same));
    expect(await background(same)).toBe('rgba(0, 0, 0, 0)');
    // The moved offset is shown but marked as ignored, not as a change.
    expect(await fields.locator('[data-testid="compare-field-ignored"][data-field="base_data_offset"]').count()).toBe(1);

    // The selection is the same row in both trees.
    const selA = await treeA.locator('.row.selected').getAttribute('data-row');
    expect(await treeB.locator('.row.selected').getAttribute('data-row')).toBe(selA);

    // Previous difference with p (and the button works the same way).
    await page.keyboard.press('p');
    await expect.poll(() => fields.locator('h2').textContent()).toBe('ftyp');
    await page.getByTestId('compare-next').click();
    await expect.poll(() => fields.locator('h2').textContent()).toBe('moof[0]/traf[0]/tfhd');

    // Scrolling one tree scrolls the other.
    await page.getByTestId('compare-tree-a').evaluate((el) => {
      el.scrollTop = 120;
      el.dispatchEvent(new Event('scroll'));
    });
    await expect.poll(() => treeB.evaluate((el) => el.scrollTop)).toBe(120);

    expect(app.problems).toEqual([]);
  });
});
