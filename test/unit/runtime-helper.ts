import { readContent } from '../../src/content/read';
import { loadCourse } from '../../src/modules';
import { loadScenarios } from '../../src/scenarios';
import { loadExam } from '../../src/quiz';
import { loadCertificationRules } from '../../src/certification';
import { parseRubric } from '../../src/live';
import { openStore, type Store, type Storage } from '../../src/store';
import { bootstrap } from '../../src/people';
import { storageOf, withStorage, type Runtime } from '../../src/app/runtime';
import { tempDir } from './helpers';

const files = readContent(process.cwd());
const course = loadCourse(files.modules);
const scenarios = loadScenarios(files.scenarios, new Map(course.modules.map((m) => [m.chapter, m.toc])));
const exam = loadExam(files.questions, files.blueprint);
const certification = loadCertificationRules(files.certification, new Set(scenarios.list.map((s) => s.def.id)), new Set(scenarios.list.filter((s) => s.def.assessmentOnly).map((s) => s.def.id)));
const rubric = parseRubric(files.rubric).rubric!;

/** The app's runtime over a fresh demo store in a temporary folder; `store` is there for the tests' own checks. */
export async function testRuntime(now = new Date('2026-11-28T08:00:00Z')): Promise<Runtime & { store: Store }> {
  const store = await openStore(tempDir(), { lock: false });
  return runtimeOver(store, now);
}

/** The app's runtime over the given storage (e.g. PostgreSQL), seeded with the demo organisation. */
export async function runtimeOver<S extends Storage>(store: S, now = new Date('2026-11-28T08:00:00Z')): Promise<Runtime & { store: S }> {
  await bootstrap(store, { production: false }, now.toISOString());
  return withStorage({ store, course, scenarios, exam, certification, rubric, demo: true, config: { trustProxy: false, proxyHops: 0, publicOrigins: [], siteOrigin: 'http://127.0.0.1:4321' } }, store);
}

/** The runtime with its storage watched: every port call by name and arguments, in order. */
export function watchedRuntime(rt: Runtime): { rt: Runtime; calls: Array<{ name: string; args: unknown[] }> } {
  const calls: Array<{ name: string; args: unknown[] }> = [];
  const real = storageOf(rt);
  const spy = new Proxy(real, {
    get(target, name, receiver) {
      const v = Reflect.get(target, name, receiver);
      if (typeof v !== 'function' || typeof name !== 'string') return v;
      return (...args: unknown[]) => {
        calls.push({ name, args });
        return v.apply(target, args);
      };
    },
  }) as Storage;
  return { rt: withStorage({ ...rt }, spy), calls };
}
