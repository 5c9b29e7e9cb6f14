/**
 * A theme colour as canvas and uPlot need it (`rgb(…)`): the tokens are `light-dark(…)` values,
 * which only resolve once applied to a colour property.
 */
export function cssColor(el: Element, name: string, fallback = '#888'): string {
  const probe = document.createElement('span');
  probe.style.color = `var(${name})`;
  probe.style.display = 'none';
  el.appendChild(probe);
  const value = getComputedStyle(probe).color;
  probe.remove();
  return value || fallback;
}

/** Call `fn` when the theme changes (the system's scheme or the user's choice). */
export function onThemeChange(fn: () => void): () => void {
  const mq = matchMedia('(prefers-color-scheme: dark)');
  mq.addEventListener('change', fn);
  const mo = new MutationObserver(fn);
  mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return () => {
    mq.removeEventListener('change', fn);
    mo.disconnect();
  };
}
