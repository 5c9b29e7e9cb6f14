/**
 * The app's sections: one entry each (id, label, icon, subtitle and the view that fills it). The
 * navigation, the Alt+digit shortcuts and `#/<id>` URLs all come from this list, so adding a view
 * is one entry here plus its component in `views/`.
 */
import type { Component } from 'svelte';
import { Binary, Film, GitCompare, Image, ListChecks, Play, Radio, Wrench } from 'lucide-svelte';
import CapsView from '../views/CapsView.svelte';
import CompareView from '../views/CompareView.svelte';
import GifView from '../views/GifView.svelte';
import InspectorView from '../views/InspectorView.svelte';
import JobsView from '../views/JobsView.svelte';
import PlayerView from '../views/PlayerView.svelte';
import RecordView from '../views/RecordView.svelte';
import TranscodeView from '../views/TranscodeView.svelte';

export interface Section {
  id: string;
  label: string;
  icon: Component;
  /** What the section is for, shown as its subtitle. */
  blurb: string;
  view: Component;
}

const icon = (c: unknown) => c as Component;

export const sections = [
  { id: 'inspector', label: 'Inspector', icon: icon(Binary), blurb: 'Every box of an MP4, fMP4 or segment: tree, fields, hex and samples.', view: InspectorView },
  { id: 'compare', label: 'Compare', icon: icon(GitCompare), blurb: 'Two files side by side, and the differences that matter for playback.', view: CompareView },
  { id: 'player', label: 'Player', icon: icon(Play), blurb: 'Play segments through Media Source Extensions and see why they fail.', view: PlayerView },
  { id: 'transcode', label: 'Transcode', icon: icon(Film), blurb: 'Web MP4, fMP4 for MSE, HLS/DASH, WebM and audio with the bundled ffmpeg.', view: TranscodeView },
  { id: 'record', label: 'Record', icon: icon(Radio), blurb: 'Record an RTSP, HTTP or live HLS stream to a fragmented MP4 that plays however it ends.', view: RecordView },
  { id: 'gif', label: 'GIF', icon: icon(Image), blurb: 'One-click GIF export with trim, size budget and preview.', view: GifView },
  { id: 'jobs', label: 'Jobs', icon: icon(ListChecks), blurb: 'The queue: progress, ETA, cancel, retry, logs.', view: JobsView },
  { id: 'caps', label: 'Capabilities', icon: icon(Wrench), blurb: 'Which ffmpeg is used, and which formats it accepts.', view: CapsView },
] as const satisfies readonly Section[];

export type SectionId = (typeof sections)[number]['id'];

export function sectionFromHash(hash: string): SectionId {
  const id = hash.replace(/^#\/?/, '').split('?')[0];
  return sections.find((s) => s.id === id)?.id ?? 'inspector';
}
