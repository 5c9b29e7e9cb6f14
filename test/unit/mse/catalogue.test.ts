/**
 * The rule catalogue is the one table the lint, Compare and the Player's diagnosis read: a finding's
 * severity and fix come from its entry, and Chromium's messages map to rules through the entries.
 * The messages below are the ones measured in MSE_RULES.md ("What Chromium itself says").
 */
import { describe, expect, it } from 'vitest';
import { analyzeMse } from '../../../electron/core/mse/analyze';
import { BROWSER_MESSAGES, RULE_IDS, RULES, rulesForBrowserMessage, silentRules } from '../../../electron/core/mse/catalogue';
import { BROKEN_RULES, brokenFixture } from '../../fixtures/mse-broken';

describe('rule catalogue', () => {
  it("every broken fixture's finding carries its catalogue entry's fix and (unless a check raises it) severity", async () => {
    for (const rule of BROKEN_RULES) {
      const a = await analyzeMse([(await brokenFixture(rule)).file]);
      const f = a.findings.find((x) => x.rule === rule)!;
      expect(f, rule).toBeDefined();
      expect(f.fix, rule).toBe(RULES[f.rule].fix);
      // tfdt gaps above one frame and implicit offsets of a later traf are raised to errors by their check.
      if (rule !== 'tfdt-discontinuity' && rule !== 'tfhd-no-default-base-is-moof') expect(f.severity, rule).toBe(RULES[f.rule].severity);
    }
  });

  it("maps Chromium's measured messages to the rules that cause them", () => {
    const rules = (message: string) => rulesForBrowserMessage(message)?.rules ?? [];
    expect(rules('Failure parsing MP4: TFHD base-data-offset not allowed by MSE. See https://www.w3.org/TR/mse-byte-stream-format-isobmff/#movie-fragment-relative-addressing')).toEqual(['tfhd-base-data-offset']);
    expect(rules('Duplicate track ID in moov: 1')).toContain('duplicate-track-id');
    expect(rules("Failure parsing MP4: Track media header's timescale must not be 0")).toEqual(['timescale-zero']);
    // Chromium words a missing trex like a missing mvex: the catalogue keeps both candidates.
    expect(rules('Failure parsing MP4: Detected unfragmented MP4. Media Source Extensions require ISO BMFF moov to contain mvex to indicate that Movie Fragments are to be expected.')).toEqual(['not-fragmented', 'init-missing-mvex', 'init-trex-missing']);
    expect(rules('RunSegmentParserLoop: stream parsing failed. Data size=1234 append_window_start=0 append_window_end=inf')).toContain('traf-missing-tfdt');
    expect(rulesForBrowserMessage('something no browser says')).toBeNull();
  });

  it('every browser message maps to at least one rule, and every rule names only known messages', () => {
    for (const id of Object.keys(BROWSER_MESSAGES)) expect(RULE_IDS.filter((r) => RULES[r].browser?.includes(id as keyof typeof BROWSER_MESSAGES)), id).not.toEqual([]);
    for (const r of RULE_IDS) for (const m of RULES[r].browser ?? []) expect(Object.keys(BROWSER_MESSAGES)).toContain(m);
  });

  it('the cases MSE_RULES.md measured as silent in Chromium are marked silent', () => {
    const silent = silentRules();
    for (const rule of ['tfdt-discontinuity', 'trun-data-out-of-bounds', 'box-truncated'] as const) expect(silent).toContain(rule);
    // Findings that explain a hole anywhere in the stream, whatever segment they sit on.
    expect(silentRules('stream').sort()).toEqual(['box-truncated', 'init-has-samples']);
  });
});
