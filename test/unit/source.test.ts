import { describe, it, expect } from 'vitest';
import { readContent } from '../../src/content/read';
import { loadCourse } from '../../src/modules';
import { sectionsOf } from '../../src/quiz';

const course = loadCourse(readContent(process.cwd()).modules);

describe('sections to re-read from a question source', () => {
  const h = course.headings;
  it('links a source to the module heading that contains it', () => {
    expect(sectionsOf('第一章 主要职责', 1, h)).toEqual([{ text: '客服的主要职责', chapter: 1, anchor: '客服的主要职责' }]);
    expect(sectionsOf('第五章 维修时效标准', 5, h)).toEqual([{ text: '维修时效标准', chapter: 5, anchor: '维修时效标准' }]);
  });
  it('prefers the sub-section after ·, and reads several parts joined by ；', () => {
    expect(sectionsOf('第七章 职业道德·诚信守信', 7, h)).toEqual([{ text: '诚信守信', chapter: 7, anchor: '诚信守信' }]);
    expect(sectionsOf('第二章 物业管理合同与服务标准；常见文件', 2, h).map((s) => [s.chapter, s.anchor])).toEqual([[2, '物业管理合同与服务标准'], [2, '常见文件']]);
    expect(sectionsOf('第二章 物业管理的法律法规基础；第七章 职业道德·诚信守信', 2, h)[1]).toMatchObject({ chapter: 7, anchor: '诚信守信' });
  });
  it('keeps what it cannot find as text, without inventing a link', () => {
    expect(sectionsOf('第六章 信息管理与报告撰写', 6, h)).toEqual([{ text: '信息管理与报告撰写', chapter: 6 }]);
    expect(sectionsOf('结业评估 常见问题答疑：邻里纠纷', 8, h)).toEqual([{ text: '结业评估 常见问题答疑：邻里纠纷' }]);
  });
});
