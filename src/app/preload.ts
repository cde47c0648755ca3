/**
 * Adds <link rel="modulepreload"> for every island's component and renderer,
 * so a phone starts downloading them while it parses the page instead of after
 * Astro's island loader runs (measured: the first choice is clickable sooner).
 */
export function preloadIslands(html: string): string {
  if (!html.includes('<astro-island')) return html; // most pages have no island: skip the scan
  const urls = new Set<string>();
  for (const m of html.matchAll(/<astro-island\b[^>]*?\b(?:component-url|renderer-url)="([^"]+)"[^>]*?(?:\b(?:component-url|renderer-url)="([^"]+)")?/g)) {
    if (m[1]) urls.add(m[1]);
    if (m[2]) urls.add(m[2]);
  }
  if (!urls.size) return html;
  const links = [...urls].map((u) => `<link rel="modulepreload" href="${u.replace(/&amp;/g, '&').replace(/"/g, '&quot;')}">`).join('');
  return html.replace('</head>', `${links}</head>`);
}
