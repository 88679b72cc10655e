// Starts one database for the whole e2e run and hands its URI to every test file.
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startDatabase } from '@marketplace/testing';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
  }
}

export default async function setup(project: TestProject) {
  const database = await startDatabase();
  project.provide('mongoUri', database.uri);
  return () => database.stop();
}
