import type { Storage } from '../store';
import { openStorage, type StoreKind } from '../store/open';
import { loadCourse, type Course } from '../modules';
import { loadScenarios, type ScenarioLibrary } from '../scenarios';
import { loadExam, type Exam } from '../quiz';
import { loadCertificationRules, type CertificationRules } from '../certification';
import { parseRubric, type Rubric } from '../live';
import { ContentError } from '../content/problems';
import { bootstrap } from '../people';
import { bundledContent } from '../content/bundled';
import { seedDemoActivity } from './demo-activity';
import { finaliseOverdueExams } from './exam-service';
import { siteOrigin } from './http';
import { parseTrustProxy } from '../auth/client-address';
import { configureOrgTimeZone } from '../i18n';

/** Content and settings the application layer works with; storage is reached through `storageOf` (src/app only). */
export interface Runtime {
  course: Course;
  scenarios: ScenarioLibrary;
  exam: Exam;
  certification: CertificationRules;
  rubric: Rubric;
  /** True when the demo organisation may be shown (not production). */
  demo: boolean;
  /** trustProxy: some proxy is trusted (proxyHops > 0); proxyHops: how many (TRUST_PROXY, see parseTrustProxy); siteOrigin: the site's own address for printed links and redirects (see `siteOrigin` in http.ts). */
  config: { trustProxy: boolean; proxyHops: number; publicOrigins: string[]; siteOrigin: string; timeZone?: string };
  /** Which store this server uses (the health check says so). */
  storeKind?: StoreKind;
}

const storages = new WeakMap<Runtime, Storage>();
/** Gives a runtime its storage. Only the application layer reads it back (storageOf): pages, components and layouts cannot reach storage. */
export function withStorage<R extends Runtime>(rt: R, storage: Storage): R {
  storages.set(rt, storage);
  return rt;
}
/** The storage behind a runtime (src/app only). */
export function storageOf(rt: Runtime): Storage {
  const s = storages.get(rt);
  if (!s) throw new Error('this runtime has no storage (see withStorage)');
  return s;
}

let ready: Promise<Runtime> | undefined;

/** How often papers past their deadline and grace are handed in: GET pages only show them as they will be stored. */
const OVERDUE_EVERY_MS = 10_000;

/** Hands in overdue exam papers every OVERDUE_EVERY_MS (one run at a time; it never keeps the process alive). */
function startOverdueTimer(rt: Runtime): NodeJS.Timeout {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    finaliseOverdueExams(rt, new Date())
      .catch((e) => console.error(`[exam] handing in overdue papers failed: ${e?.message ?? e}`))
      .finally(() => (running = false));
  }, OVERDUE_EVERY_MS);
  timer.unref();
  return timer;
}

// The environment is read through this indirection so the bundler never inlines build-time values.
const env = (name: string): string | undefined => process.env[name];

async function init(): Promise<Runtime> {
  const production = env('NODE_ENV') === 'production';
  // Every date people read (pages, exports, "today" for due dates) is in this zone (src/i18n/format.ts); a bad value stops the start.
  const timeZone = configureOrgTimeZone(env('ORG_TIME_ZONE'));
  const proxyHops = parseTrustProxy(env('TRUST_PROXY'));
  const publicOrigins = (env('PUBLIC_ORIGIN') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const origin = siteOrigin(publicOrigins, { host: env('HOST'), port: env('PORT') });
  if (!publicOrigins.length) (production ? console.warn : console.log)(`[config] PUBLIC_ORIGIN is not set: certificates and QR codes link to ${origin}; set PUBLIC_ORIGIN to the site's public address (https://…) in production`);
  const content = bundledContent();
  const course = loadCourse(content.modules);
  const scenarios = loadScenarios(content.scenarios, new Map(course.modules.map((m) => [m.chapter, m.toc])));
  const exam = loadExam(content.questions, content.blueprint);
  const certification = loadCertificationRules(content.certification, new Set(scenarios.list.map((s) => s.def.id)), new Set(scenarios.list.filter((s) => s.def.assessmentOnly).map((s) => s.def.id)));
  const parsedRubric = parseRubric(content.rubric);
  if (!parsedRubric.rubric) throw new ContentError(parsedRubric.problems);
  const rubric = parsedRubric.rubric;
  const { storage: store, kind } = await openStorage({ DATABASE_URL: env('DATABASE_URL'), DATA_DIR: env('DATA_DIR') });
  console.log(`[store] ${kind === 'postgres' ? 'PostgreSQL at' : 'embedded store in'} ${store.location}`);
  const seeded = await bootstrap(store, { production, adminUsername: env('ADMIN_USERNAME'), adminPassword: env('ADMIN_PASSWORD') }, new Date().toISOString());
  if (seeded !== 'none') console.log(`[store] empty store in ${store.location}: seeded ${seeded === 'demo' ? 'the demo organisation' : 'the first administrator'}`);
  if (store.migratedFrom !== undefined) console.log(`[store] migrated the store in ${store.location} from schema ${store.migratedFrom}`);
  const rt: Runtime = withStorage({
    course,
    scenarios,
    exam,
    certification,
    rubric,
    demo: !production,
    storeKind: kind,
    config: {
      trustProxy: proxyHops > 0,
      proxyHops,
      publicOrigins,
      siteOrigin: origin,
      timeZone,
    },
  }, store);
  if (seeded === 'demo' && env('DEMO_ACTIVITY') !== '0') await seedDemoActivity(rt, new Date());
  const timer = startOverdueTimer(rt);
  const close = () => {
    clearInterval(timer);
    void store.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
  return rt;
}

/**
 * Opens the store and loads content once per process. A failure here (store
 * locked or corrupt, missing production admin, bad content) is fatal: the
 * caller prints it and the process exits rather than serve half a platform.
 */
export const runtime = () => (ready ??= init());
