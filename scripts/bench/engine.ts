// Scenario engine replays per second (the server's check of every submission)
// and the time of the whole content check.
import { readContent } from '../../src/content/read';
import { checkContent } from '../../src/content';
import { loadScenarios, createScenarioMachine, replay } from '../../src/scenarios';
import { enumeratePaths } from '../../src/scenarios/analyse';
import { table, spread, mmm } from './lib';

export async function runEngineBench() {
  const files = readContent(process.cwd());
  const lib = loadScenarios(files.scenarios);
  const paths = lib.list.flatMap((s) => enumeratePaths(s.def).paths.map((p) => ({ m: createScenarioMachine(s.def), choices: p.choices })));
  // Three 1 s runs of replays (each over whole rounds of the library's paths).
  const rates: number[] = [];
  for (let run = 0; run < 3; run++) {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 1000) for (const p of paths) (replay(p.m, p.choices), n++);
    rates.push(n / ((performance.now() - t0) / 1000));
  }
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    checkContent(readContent(process.cwd()));
    times.push(performance.now() - t);
  }
  const replaysPerSec = spread(rates)!;
  const contentCheckMs = spread(times)!;
  table('Scenario engine and content (min / median / max)', ['measure', 'value'], [
    [`replays per second (XState machine, all ${paths.length.toLocaleString('en-US')} library paths in turn), 3 runs of 1 s`, mmm(replaysPerSec, (x) => Math.round(x).toLocaleString('en-US'))],
    ['content check, whole library (5 runs, in process)', mmm(contentCheckMs, (x) => `${x.toFixed(0)} ms`)],
  ]);
  return { replaysPerSec, contentCheckMs };
}
