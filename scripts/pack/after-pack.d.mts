import type { BinaryKind } from './binary-arch.mjs';

export const FFMPEG_STATIC_BUILDS: Record<string, string[]>;
export const FFPROBE_STATIC_BUILDS: Record<string, string[]>;
export const EMULATED_OK: Record<string, string[]>;

export interface CheckedBinary {
  file: string;
  kind: BinaryKind;
  emulated: boolean;
}
export interface Target {
  platform: string;
  arch: string;
}

export function ffmpegSourceFor(options: Target & { projectDir: string; download?: boolean }): Promise<string | null>;
export function placeFfmpeg(options: Target & { projectDir: string; unpackedModules: string }): Promise<string | null>;
export function verifyBundledBinaries(options: Target & { unpackedModules: string }): Promise<{ ffmpeg: CheckedBinary | null; ffprobe: CheckedBinary | null }>;
export function fuseConfigFor(platform: string, arch: string): Promise<Record<string | number, unknown>>;
export function electronBinaryPath(context: unknown, platform: string): string;
export function flipAndVerifyFuses(electronPath: string, platform: string, arch: string): Promise<Record<string | number, unknown>>;
export function afterPack(context: unknown): Promise<void>;
export default afterPack;
