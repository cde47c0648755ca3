// Vitest global set-up: one throwaway PostgreSQL cluster for the whole run
// (scripts/pg-cluster.ts), with a template database already migrated, so each
// PostgreSQL test gets a fresh database in a few milliseconds. PG_TESTS=0
// leaves PostgreSQL out (its tests are then skipped, and say so).
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startCluster } from '../../scripts/pg-cluster';
import { migrateDatabase } from '../../src/store/pg/migrate';

export const TEMPLATE = 'wuye_template';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the cluster's `postgres` database; empty when PostgreSQL tests are off. */
    pgAdminUrl: string;
  }
}

export default async function setup(project: TestProject) {
  if (process.env.PG_TESTS === '0') {
    project.provide('pgAdminUrl', '');
    return;
  }
  const cluster = await startCluster();
  const admin = new pg.Client({ connectionString: cluster.url() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${TEMPLATE}`);
  await admin.end();
  const t = new pg.Client({ connectionString: cluster.url(TEMPLATE) });
  await t.connect();
  await migrateDatabase(t, TEMPLATE);
  await t.end();
  project.provide('pgAdminUrl', cluster.url());
  // The URL for child processes (integration servers) started by the tests.
  process.env.PG_ADMIN_URL = cluster.url();
  return () => cluster.stop();
}
