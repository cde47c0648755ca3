import { Marked, type Tokens, type TokenizerAndRendererExtension } from 'marked';
import GithubSlugger from 'github-slugger';

export interface TocEntry {
  depth: 2 | 3;
  text: string;
  id: string;
}

export interface RenderedLesson {
  html: string;
  toc: TocEntry[];
}

/** Call-out kinds an author may use with `:::kind 标题`; the label is shown when no title is given. */
export const CALLOUT_KINDS = {
  key: '关键数字',
  tip: '提示',
  warning: '注意',
  case: '案例',
  script: '标准话术',
} as const;
export type CalloutKind = keyof typeof CALLOUT_KINDS;

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

interface CalloutToken extends Tokens.Generic {
  kind: CalloutKind;
  title: string;
  tokens: Tokens.Generic[];
}

const callout: TokenizerAndRendererExtension = {
  name: 'callout',
  level: 'block',
  start: (src) => src.match(/^:::/m)?.index,
  tokenizer(src) {
    const m = /^:::(\w+)[ \t]*([^\n]*)\n([\s\S]*?)\n:::[ \t]*(?:\n|$)/.exec(src);
    if (!m || !(m[1]! in CALLOUT_KINDS)) return undefined;
    const token: CalloutToken = {
      type: 'callout',
      raw: m[0],
      kind: m[1] as CalloutKind,
      title: m[2]!.trim(),
      tokens: [],
    };
    this.lexer.blockTokens(m[3]!, token.tokens);
    return token;
  },
  renderer(token) {
    const t = token as CalloutToken;
    const title = t.title || CALLOUT_KINDS[t.kind];
    return `<aside class="callout callout-${t.kind}" role="note" aria-label="${escapeHtml(title)}"><p class="callout-title">${escapeHtml(title)}</p>${this.parser.parse(t.tokens)}</aside>\n`;
  },
};

const highlight: TokenizerAndRendererExtension = {
  name: 'highlight',
  level: 'inline',
  start: (src) => src.indexOf('=='),
  tokenizer(src) {
    const m = /^==(?!=)([^=\n]+?)==/.exec(src);
    if (!m) return undefined;
    return { type: 'highlight', raw: m[0], tokens: this.lexer.inlineTokens(m[1]!) };
  },
  renderer(token) {
    return `<mark class="key-fact">${this.parser.parseInline(token.tokens ?? [])}</mark>`;
  },
};

/**
 * Renders a lesson with our own Marked instance (never the global one):
 * heading anchors, a table of contents from h2/h3, call-out boxes, ==highlights==,
 * scrollable tables. Raw HTML in content is escaped rather than passed through.
 */
export function renderLesson(markdown: string): RenderedLesson {
  const slugger = new GithubSlugger();
  const toc: TocEntry[] = [];
  // Each table's region is named after the heading above it and numbered: a page's landmarks must differ (axe landmark-unique).
  let section = '';
  let tables = 0;
  const marked = new Marked({
    gfm: true,
    async: false,
    extensions: [callout, highlight],
    renderer: {
      heading({ tokens, depth }) {
        const inner = this.parser.parseInline(tokens);
        const text = inner.replace(/<[^>]+>/g, '');
        const id = slugger.slug(text);
        if (depth === 2 || depth === 3) toc.push({ depth, text, id });
        section = text;
        return `<h${depth} id="${id}"><a class="anchor" href="#${id}" aria-hidden="true" tabindex="-1">#</a>${inner}</h${depth}>\n`;
      },
      table(token) {
        const head = token.header.map((c) => `<th scope="col">${this.parser.parseInline(c.tokens)}</th>`).join('');
        const rows = token.rows
          .map((r) => `<tr>${r.map((c) => `<td>${this.parser.parseInline(c.tokens)}</td>`).join('')}</tr>`)
          .join('\n');
        // A focusable, named scroll region: keyboard users scroll a table wider than a phone with the arrow keys;
        // numbered and named after its section (already escaped by the inline parser) so a chapter's regions differ (axe landmark-unique).
        tables += 1;
        return `<div class="table-wrap" tabindex="0" role="region" aria-label="表格 ${tables}${section ? `：${section}` : ''}（可左右滚动）"><table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div>\n`;
      },
      html({ text }) {
        return escapeHtml(text);
      },
    },
  });
  const html = marked.parse(markdown) as string;
  return { html, toc };
}
