import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readContent } from '../../src/content/read';
import { loadCourse } from '../../src/modules';
import { sectionsOf } from '../../src/quiz';

// docs/CONTENT.md "Where each courseware section is taught": every courseware
// section is taught in a module section, written as a question `source`.
// Exam questions on the 结业评估 FAQ and training summary point at these
// headings, so a renamed or missing heading must fail here.

const course = loadCourse(readContent(process.cwd()).modules);

interface Row { courseware: string; source: string }

function mapRows(doc: string): Row[] {
  const start = doc.indexOf('### Where each courseware section is taught');
  if (start < 0) return [];
  const rows: Row[] = [];
  for (const line of doc.slice(start).split('\n').slice(1)) {
    if (/^#{1,3} /.test(line)) break;
    const m = /^\|\s*(.+?)\s*\|\s*`([^`]+)`\s*\|\s*$/.exec(line);
    if (m) rows.push({ courseware: m[1]!, source: m[2]! });
  }
  return rows;
}

// The items of the courseware's 结业评估 常见问题答疑 and 培训总结与职业发展
// (outline.md lines 174–187), and the chapter each is folded into.
const FOLDED: ReadonlyArray<[item: string, chapter: string, heading: string]> = [
  ['业主情绪激动', '第三章', '业主情绪激动'],
  ['投诉超出职权', '第三章', '投诉超出职权'],
  ['平衡不同业主利益', '第四章', '平衡不同业主利益'],
  ['业主拒缴物业费', '第四章', '业主拒缴物业费'],
  ['邻里纠纷', '第四章', '邻里纠纷'],
  ['工作压力大', '第七章', '工作压力大'],
  ['持续提升专业能力', '第七章', '持续提升专业能力'],
  ['持续学习', '第七章', '持续学习与创新趋势'],
  ['创新趋势', '第七章', '持续学习与创新趋势'],
  ['满意度提升路径', '第七章', '满意度提升路径'],
  ['职业发展', '第七章', '职业发展规划'],
  ['使命', '第七章', '使命'],
];

describe('where each courseware section is taught (docs/CONTENT.md)', () => {
  const rows = mapRows(readFileSync(join(process.cwd(), 'docs/CONTENT.md'), 'utf8'));

  it('has the table', () => {
    expect(rows.length).toBeGreaterThanOrEqual(40);
  });

  it('names an existing module heading in every row', () => {
    const broken = rows.flatMap((r) =>
      sectionsOf(r.source, undefined, course.headings)
        .filter((s) => s.anchor === undefined)
        .map((s) => `${r.courseware} → ${r.source}: no heading "${s.text}"`),
    );
    expect(broken).toEqual([]);
  });

  it('teaches every FAQ and training-summary item in its own sub-section of chapter 3, 4 or 7', () => {
    for (const [item, chapter, heading] of FOLDED) {
      const row = rows.find((r) => /^(结业评估|培训总结)/.test(r.courseware) && r.courseware.split('：').slice(1).join('：').includes(item));
      expect(row, `no row for ${item}`).toBeDefined();
      expect(row!.source.startsWith(chapter), `${item} should be taught in ${chapter}`).toBe(true);
      const refs = sectionsOf(row!.source, undefined, course.headings);
      expect(refs.map((s) => s.text), item).toContain(heading);
      expect(refs.every((s) => s.anchor), item).toBe(true);
    }
  });
});
