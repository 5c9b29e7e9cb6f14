import type { Component } from 'svelte';
import { Binary, Film, GitCompare, Image, ListChecks, Play, Radio, Wrench } from 'lucide-svelte';

export type SectionId = 'inspector' | 'compare' | 'player' | 'transcode' | 'record' | 'gif' | 'jobs' | 'caps';

export interface Section {
  id: SectionId;
  label: string;
  icon: Component;
  /** What the section is for, shown as its subtitle. */
  blurb: string;
}

export const sections: Section[] = [
  { id: 'inspector', label: 'Inspector', icon: Binary as unknown as Component, blurb: 'Every box of an MP4, fMP4 or segment: tree, fields, hex and samples.' },
  { id: 'compare', label: 'Compare', icon: GitCompare as unknown as Component, blurb: 'Two files side by side, and the differences that matter for playback.' },
  { id: 'player', label: 'Player', icon: Play as unknown as Component, blurb: 'Play segments through Media Source Extensions and see why they fail.' },
  { id: 'transcode', label: 'Transcode', icon: Film as unknown as Component, blurb: 'Web MP4, fMP4 for MSE, HLS/DASH, WebM and audio with the bundled ffmpeg.' },
  { id: 'record', label: 'Record', icon: Radio as unknown as Component, blurb: 'Record an RTSP, HTTP or live HLS stream to a fragmented MP4 that plays however it ends.' },
  { id: 'gif', label: 'GIF', icon: Image as unknown as Component, blurb: 'One-click GIF export with trim, size budget and preview.' },
  { id: 'jobs', label: 'Jobs', icon: ListChecks as unknown as Component, blurb: 'The queue: progress, ETA, cancel, retry, logs.' },
  { id: 'caps', label: 'Capabilities', icon: Wrench as unknown as Component, blurb: 'Which ffmpeg is used, and which formats it accepts.' },
];

export function sectionFromHash(hash: string): SectionId {
  const id = hash.replace(/^#\/?/, '').split('?')[0];
  return (sections.find((s) => s.id === id)?.id ?? 'inspector') as SectionId;
}
