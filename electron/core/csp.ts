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

/**
 * The same policy for the static build, delivered in a `<meta>` tag (a static host may send no
 * headers). `frame-ancestors` is the one directive a meta tag cannot carry; hosts that can set
 * headers should send it too (README, "Zero-install (static) build").
 */
export const STATIC_CSP = RENDERER_CSP.split('; ')
  .filter((d) => !d.startsWith('frame-ancestors'))
  .join('; ');
