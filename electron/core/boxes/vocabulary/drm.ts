/**
 * DRM systems by the 16-byte SystemID a `pssh` box names (DASH-IF's registry), as the Inspector and
 * Compare print them. Plain data, no Node imports.
 */

export const DRM_SYSTEMS: Readonly<Record<string, string>> = {
  edef8ba979d64acea3c827dcd51d21ed: 'Widevine',
  '9a04f07998404286ab92e65be0885f95': 'PlayReady',
  '94ce86fb07ff4f43adb893d2fa968ca2': 'FairPlay',
  '1077efecc0b24d02ace33c1e52e2fb4b': 'W3C Common (ClearKey)',
  e2719d58a985b3c9781ab030af78d30e: 'ClearKey (DASH-IF)',
  '3ea8778f77424bf9b18be834b2acbd47': 'ClearKey (DASH-IF, legacy)',
  '5e629af538da4063897797ffbd9902d4': 'Marlin',
  adb41c242dbf4a6d958b4457c0d27b95: 'Nagra',
  '80a6be7e14484c379e70d5aebe04c8d2': 'Irdeto',
  '9a27dd82fde247258cbc4234aa06ec09': 'Verimatrix',
};

/** `Widevine` for its SystemID (hex, any case, dashes allowed); undefined for one not listed. */
export function drmSystemName(systemId: string): string | undefined {
  const key = systemId.replace(/-/g, '').toLowerCase();
  return Object.prototype.hasOwnProperty.call(DRM_SYSTEMS, key) ? DRM_SYSTEMS[key] : undefined;
}
