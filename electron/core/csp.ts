/**
 * The renderer's Content-Security-Policy, one string for Electron and web mode. No inline script,
 * no eval, no remote origins; media may come from blob: URLs because MSE attaches a MediaSource
 * through one.
 */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "worker-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');
