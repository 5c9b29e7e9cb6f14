import type { Component } from 'svelte';
import { Binary, Film, GitCompare, Image, ListChecks, Play, Wrench } from 'lucide-svelte';

export type SectionId = 'inspector' | 'compare' | 'player' | 'transcode' | 'gif' | 'jobs' | 'caps';

export interface Section {
  id: SectionId;
  label: string;
  icon: Component;
  /** What the section is for, shown as its subtitle. */
  blurb: string;
  /** Runs ffmpeg or the job queue on the Node side: absent from the static build. */
  needsNode?: true;
}

export const sections: Section[] = [
  { id: 'inspector', label: 'Inspector', icon: Binary as unknown as Component, blurb: 'Every box of an MP4, fMP4 or segment: tree, fields, hex and samples.' },
  { id: 'compare', label: 'Compare', icon: GitCompare as unknown as Component, blurb: 'Two files side by side, and the differences that matter for playback.' },
  { id: 'player', label: 'Player', icon: Play as unknown as Component, blurb: 'Play segments through Media Source Extensions and see why they fail.' },
  { id: 'transcode', label: 'Transcode', icon: Film as unknown as Component, blurb: 'Web MP4, fMP4 for MSE, HLS/DASH, WebM and audio with the bundled ffmpeg.', needsNode: true },
  { id: 'gif', label: 'GIF', icon: Image as unknown as Component, blurb: 'One-click GIF export with trim, size budget and preview.', needsNode: true },
  { id: 'jobs', label: 'Jobs', icon: ListChecks as unknown as Component, blurb: 'The queue: progress, ETA, cancel, retry, logs.', needsNode: true },
  { id: 'caps', label: 'Capabilities', icon: Wrench as unknown as Component, blurb: 'Which ffmpeg is used, and which formats it accepts.', needsNode: true },
];

/** What the static build leaves out, in one line (shown where those sections would be). */
export const STATIC_NOTE = 'Transcode, GIF export, Jobs and Capabilities run ffmpeg: the desktop app or "npm start" adds them.';

/** The sections this page offers: all of them, or in the static build those that need no Node side. */
export function availableSections(staticBuild: boolean): Section[] {
  return staticBuild ? sections.filter((s) => !s.needsNode) : sections;
}

export function sectionFromHash(hash: string, list: Section[] = sections): SectionId {
  const id = hash.replace(/^#\/?/, '').split('?')[0];
  return (list.find((s) => s.id === id)?.id ?? 'inspector') as SectionId;
}
