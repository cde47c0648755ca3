// npm run bench: builds, then runs each benchmark against the real server on loopback
// and writes bench/results.json with the machine's details. Figures, never pass/fail.
import { execSync } from 'node:child_process';
import { cpus, totalmem, platform, release } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { root } from './lib';
import { runLiveBench } from './live';
import { runHrBench } from './hr';
import { runPagesBench } from './pages';
import { runThroughputBench } from './throughput';
import { runPlaysBench } from './plays';
import { runGrowthBench } from './growth';
import { runEngineBench } from './engine';
import { runStartupBench } from './startup';
import { runScaleBench } from './scale';
import { runPostgresBench } from './postgres';

const only = process.argv.slice(2);
const want = (name: string) => !only.length || only.includes(name);

const machine = {
  cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
  memoryGb: Math.round(totalmem() / 2 ** 30),
  os: `${platform()} ${release()}`,
  node: process.version,
  date: new Date().toISOString(),
};
console.log(`Machine: ${machine.cpus}, ${machine.memoryGb} GB, ${machine.os}, Node ${machine.node}`);

if (process.env.BENCH_SKIP_BUILD !== '1') {
  console.log('Building …');
  execSync('npm run -s build', { cwd: root, stdio: 'ignore', env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' } });
}

const results: Record<string, unknown> = { machine };
if (want('pages')) results.pages = await runPagesBench();
if (want('throughput')) results.throughput = await runThroughputBench();
if (want('plays')) results.plays = await runPlaysBench();
if (want('engine')) results.engine = await runEngineBench();
if (want('live')) results.live = await runLiveBench();
if (want('hr')) results.hr = await runHrBench();
if (want('growth')) results.growth = await runGrowthBench();
if (want('scale')) results.scale = await runScaleBench();
// Start-up time and peak RSS at 100k and 500k attempts, with the server's V8 flags and without.
if (want('startup')) results.startup = await runStartupBench();
// Not in the default set: it needs PostgreSQL installed (initdb on the PATH or PG_BIN) and takes many minutes at its full sizes.
if (only.includes('postgres')) results.postgres = await runPostgresBench();

mkdirSync(path.join(root, 'bench'), { recursive: true });
writeFileSync(path.join(root, 'bench/results.json'), JSON.stringify(results, null, 2));
console.log('\nWrote bench/results.json');
process.exit(0);
