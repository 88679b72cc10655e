// Starts one database for the whole e2e run and hands its URI to every test file; builds the
// storefront first when its build is missing or older than its sources, so browser tests never
// run against a stale app.
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startDatabase } from '@marketplace/testing';
import { ensureStorefrontBuild } from '../../scripts/start/storefront-build.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
  }
}

export default async function setup(project: TestProject) {
  const build = await ensureStorefrontBuild();
  if (build.kind === 'built') console.warn(`storefront built for the browser tests in ${build.seconds.toFixed(1)} s (clients/web/dist)`);
  const database = await startDatabase();
  project.provide('mongoUri', database.uri);
  return () => database.stop();
}
