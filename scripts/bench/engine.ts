// Scenario engine replays per second (the server's check of every submission)
// and the time of the whole content check.
import { readContent } from '../../src/content/read';
import { checkContent } from '../../src/content';
import { loadScenarios, createScenarioMachine, replay } from '../../src/scenarios';
import { enumeratePaths } from '../../src/scenarios/analyse';
import { table } from './lib';

export async function runEngineBench() {
  const files = readContent(process.cwd());
  const lib = loadScenarios(files.scenarios);
  const paths = lib.list.flatMap((s) => enumeratePaths(s.def).paths.map((p) => ({ m: createScenarioMachine(s.def), choices: p.choices })));
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 3000) for (const p of paths) (replay(p.m, p.choices), n++);
  const replaysPerSec = n / ((performance.now() - t0) / 1000);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    checkContent(readContent(process.cwd()));
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  table('Scenario engine and content', ['measure', 'value'], [
    ['replays per second (XState machine, all 5,389 library paths in turn)', Math.round(replaysPerSec).toLocaleString()],
    ['content check, whole library (median of 5, in process)', `${times[2]!.toFixed(0)} ms`],
  ]);
  return { replaysPerSec, contentCheckMs: times[2] };
}
