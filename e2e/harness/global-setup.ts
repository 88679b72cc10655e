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
    /** Why the storefront could not be built, for startStorefrontStack to fail with; empty when it was. */
    storefrontBuildError: string;
  }
}

export default async function setup(project: TestProject) {
  // A broken storefront fails the tests that serve it (startStorefrontStack), not every e2e test.
  let storefrontBuildError = '';
  try {
    const build = await ensureStorefrontBuild();
    if (build.kind === 'built') console.warn(`storefront built for the browser tests in ${build.seconds.toFixed(1)} s (clients/web/dist)`);
  } catch (error) {
    storefrontBuildError = error instanceof Error ? error.message : String(error);
    console.error(storefrontBuildError);
  }
  project.provide('storefrontBuildError', storefrontBuildError);
  const database = await startDatabase();
  project.provide('mongoUri', database.uri);
  return () => database.stop();
}
