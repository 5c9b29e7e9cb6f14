/**
 * The Inspector in real Chromium over web mode: open a generated fMP4 by typing its path, walk the
 * tree with the keyboard, check a decoded field against the engine, and the hex view's bytes and
 * field highlighting; then the samples view and a second file in its own tab.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeSampleFlags, descend, flagNames, inspectFile, visit, type BoxNode } from '../../electron/core/boxes';
import { clip, fmp4 } from '../fixtures/generate';
import { openInUi, startApp, type App } from './helpers';

describe('Inspector in Chromium (web mode)', () => {
  let s: App;
  let file: string;
  let second: string;
  let boxes: BoxNode[];

  beforeAll(async () => {
    file = await fmp4({ duration: 3, fps: 30, gop: 30 });
    second = await clip({ duration: 1 });
    boxes = (await inspectFile(file)).boxes;
    s = await startApp('#/inspector');
  });

  afterAll(async () => {
    await s?.close();
  });

  it('opens a typed path and lists the top-level boxes', async () => {
    const { page } = s;
    await openInUi(page, file);
    await page.waitForSelector('[data-testid=box-row]');
    const types = await page.locator('[data-testid=box-row]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.type));
    expect(types).toEqual(boxes.map((b) => b.type));
    await expect.poll(() => page.locator('[data-testid=inspector-tab]').count()).toBe(1);
  });

  it('walks the tree with the keyboard and shows decoded fields', async () => {
    const { page } = s;
    await page.locator('[data-testid=box-tree]').focus();
    await page.keyboard.press('Home');
    await expect.poll(() => page.locator('[data-testid=detail-type]').textContent()).toBe('ftyp');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.locator('[data-testid=detail-type]').textContent()).toBe('moof');
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector('[data-testid=box-row][data-path="moof[0]/mfhd"]');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.locator('[data-testid=detail-type]').textContent()).toBe('mfhd');
    const seq = page.locator('[data-testid=field-row][data-field=sequence_number] [data-testid=field-value]');
    await expect.poll(() => seq.textContent()).toContain('1');
    // ← goes back to the parent, ← again collapses it.
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.locator('[data-testid=detail-type]').textContent()).toBe('moof');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.locator('[data-testid=box-row][data-path="moof[0]/mfhd"]').count()).toBe(0);
    await page.keyboard.press('End');
    await expect.poll(() => page.locator('[data-testid=detail-type]').textContent()).toBe(boxes[boxes.length - 1]!.type);
  });

  it('filters by type and shows tfdt.baseMediaDecodeTime of fragment 2 and its bytes', async () => {
    const { page } = s;
    const expected = descend(boxes.filter((b) => b.type === 'moof')[1], 'traf', 'tfdt')!;
    const value = expected.fields.baseMediaDecodeTime as number;
    expect(value).toBeGreaterThan(0);

    await page.fill('[data-testid=box-filter]', 'tfdt');
    await page.waitForSelector('[data-testid=box-row][data-path="moof[1]/traf[0]/tfdt"]');
    let count = 0;
    visit(boxes, (n) => void (n.type === 'tfdt' && count++));
    await expect.poll(() => page.locator('[data-testid=box-row]').count()).toBe(count);
    await page.click('[data-testid=box-row][data-path="moof[1]/traf[0]/tfdt"]');
    const field = page.locator('[data-testid=field-row][data-field=baseMediaDecodeTime] [data-testid=field-value]');
    await expect.poll(async () => (await field.textContent())?.trim()).toBe(String(value));

    // The hex view starts at the box: 32-bit size, then "tfdt".
    const firstLine = page.locator('[data-testid=hex-line]').first();
    await expect.poll(() => firstLine.locator('.b').count()).toBe(Math.min(16, expected.size));
    const sizeHex = expected.size.toString(16).padStart(8, '0').match(/../g)!;
    // Bytes arrive through the file URL after the rows are drawn.
    await expect
      .poll(async () => (await firstLine.locator('.b').allTextContents()).map((t) => t.trim()).slice(0, 8))
      .toEqual([...sizeHex, '74', '66', '64', '74']);
    expect(await firstLine.locator('.off').textContent()).toBe(expected.offset.toString(16).padStart(8, '0'));

    // Hovering the field lights up exactly its bytes, which spell the value.
    await page.hover('[data-testid=field-row][data-field=baseMediaDecodeTime]');
    const lit = page.locator('[data-testid=hex-view] .b.on');
    const width = expected.version === 1 ? 8 : 4;
    await expect.poll(() => lit.count()).toBe(width);
    const litHex = (await lit.allTextContents()).map((t) => t.trim()).join('');
    expect(parseInt(litHex, 16)).toBe(value);
    // And hovering a header byte names it.
    await page.hover('[data-testid=hex-view] .b[data-k="5"]');
    await expect.poll(() => page.locator('[data-testid=hex-view] .on-badge').textContent()).toBe('type');

    await page.fill('[data-testid=box-filter]', '');
    await page.waitForSelector('[data-testid=box-row][data-type=ftyp]');
  });

  it("names a tfhd's flag bits and its default sample flags with the box vocabulary's words", async () => {
    const { page } = s;
    const tfhd = descend(boxes.find((b) => b.type === 'moof'), 'traf', 'tfhd')!;
    await page.fill('[data-testid=box-filter]', 'tfhd');
    await page.click('[data-testid=box-row][data-path="moof[0]/traf[0]/tfhd"]');
    const detail = page.getByTestId('box-detail');
    // The same names Compare and mwb diff print for these bits (one table in core/boxes/vocabulary).
    await expect.poll(() => detail.locator('.flagnames').textContent()).toBe(flagNames('tfhd', tfhd.flags!).join(', '));
    expect(await detail.locator('.flagnames').textContent()).toContain('default-base-is-moof');
    const sampleFlags = detail.locator('[data-testid=field-row][data-field=default_sample_flags]');
    expect(await sampleFlags.textContent()).toContain(describeSampleFlags(tfhd.fields.default_sample_flags as number));
    await page.fill('[data-testid=box-filter]', '');
    await page.waitForSelector('[data-testid=box-row][data-type=ftyp]');
  });

  it('shows the samples of a track with the chart and keyframes', async () => {
    const { page } = s;
    await page.click('[data-testid=mode-samples]');
    await page.waitForSelector('[data-testid=sample-row]');
    await page.waitForSelector('[data-testid=sample-chart] canvas');
    const first = (await page.locator('[data-testid=sample-row]').first().textContent()) ?? '';
    expect(first).toMatch(/^0\s*0\.0000/);
    expect(await page.locator('[data-testid=sample-row].key').count()).toBeGreaterThan(0);
    await page.click('[data-testid=mode-boxes]');
  });

  it('opens a second file in its own tab and switches between them, each tab keeping its state', async () => {
    const { page } = s;
    const visiblePane = page.locator('[data-testid=inspector-pane]:visible');
    // Leave a selection in the first tab.
    await visiblePane.locator('[data-testid=box-row][data-type=moov]').click();
    await openInUi(page, second);
    await expect.poll(() => page.locator('[data-testid=inspector-tab]').count()).toBe(2);
    await visiblePane.locator('[data-testid=box-row][data-type=mdat]').waitFor();
    const secondTypes = await visiblePane.locator('[data-testid=box-row]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.type));
    expect(secondTypes).not.toContain('moof');
    await page.locator('[data-testid=inspector-tab]').first().click();
    await visiblePane.locator('[data-testid=box-row][data-type=moof]').first().waitFor();
    expect(await visiblePane.getByTestId('detail-type').textContent()).toBe('moov');
  });

  it('lists closed files under Recent and reopens one from there', async () => {
    const { page } = s;
    for (const f of s.server.files.list()) s.server.files.close(f.id);
    const recent = page.getByTestId('recent-files');
    await recent.waitFor();
    const names = await recent.locator('.ename').allTextContents();
    expect(names).toEqual([path.basename(second), path.basename(file)]);
    await recent.locator('.entry').nth(1).click();
    await page.waitForSelector('[data-testid=box-row][data-type=moof]');
    await expect.poll(() => page.locator('[data-testid=inspector-tab]').count()).toBe(1);
  });

  it('logged no errors and no Content-Security-Policy violations', () => {
    expect(s.problems, s.problems.join('\n')).toEqual([]);
  });
});
