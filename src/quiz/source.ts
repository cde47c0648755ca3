/** A heading of a module's lesson, as its table of contents lists it. */
export interface Heading {
  id: string;
  text: string;
}

/** Module headings per chapter (1–7). */
export type CourseHeadings = ReadonlyMap<number, ReadonlyArray<Heading>>;

/** A section of the courseware to re-read: linked to its heading when the module has it, else just the text. */
export interface SectionRef {
  /** What to show: the heading's text when found, else the source as written (without 第X章 when `chapter` is set). */
  text: string;
  /** Chapter 1–7 when known; absent for 结业评估 / 培训总结 and the like. */
  chapter?: number;
  /** Anchor of the heading in that chapter's module page, when found. */
  anchor?: string;
}

const NUMERALS = '一二三四五六七八';
const CHAPTER_PREFIX = /^第([一二三四五六七八])章\s*/;

function findHeading(list: ReadonlyArray<Heading>, wanted: string): Heading | undefined {
  return (
    list.find((h) => h.text === wanted) ??
    // 主要职责 → 客服的主要职责
    (wanted.length >= 2 ? list.find((h) => h.text.includes(wanted)) : undefined) ??
    // 资源整合优化 → 资源整合 (a heading of at least two characters that the source starts with)
    list.find((h) => h.text.length >= 2 && wanted.startsWith(h.text))
  );
}

/**
 * The sections a question's `source` points to, e.g. `第一章 主要职责`,
 * `第七章 职业道德·诚信守信` (the most specific part found wins) or several
 * joined by `；`. A part without 第X章 belongs to the chapter of the part
 * before it, or to `chapter` (the question's own). Free text that names no
 * known heading is kept as written, so nothing is ever lost.
 */
export function sectionsOf(source: string, chapter: number | undefined, headings: CourseHeadings): SectionRef[] {
  const out: SectionRef[] = [];
  let current = chapter !== undefined && headings.has(chapter) ? chapter : undefined;
  for (const raw of source.split('；').map((s) => s.trim()).filter(Boolean)) {
    const m = CHAPTER_PREFIX.exec(raw);
    if (m) current = NUMERALS.indexOf(m[1]!) + 1;
    else if (/^(结业评估|培训总结)/.test(raw)) current = undefined;
    const rest = m ? raw.slice(m[0].length).trim() : raw;
    const list = current !== undefined ? headings.get(current) : undefined;
    const parts = rest.split('·').map((s) => s.trim()).filter(Boolean);
    let found: Heading | undefined;
    // 职业道德·诚信守信: the sub-section when the module has it, else the section.
    if (list) for (const wanted of parts.reverse()) if ((found = findHeading(list, wanted))) break;
    if (found) out.push({ text: found.text, chapter: current, anchor: found.id });
    else if (list) out.push({ text: rest || raw, chapter: current });
    else out.push({ text: raw });
  }
  return out;
}
