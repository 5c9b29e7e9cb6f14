export interface BinaryKind {
  platform: string;
  arch: string;
  arches?: string[];
}
export function detectBinary(buf: Buffer): BinaryKind | null;
export function detectBinaryFile(file: string): Promise<BinaryKind | null>;
export function matchesTarget(found: BinaryKind | null, platform: string, arch: string): boolean;
