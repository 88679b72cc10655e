// Locates the monorepo root so caches land in one shared, git-ignored place for every workspace.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

function isWorkspaceRoot(dir: string): boolean {
  const manifest = path.join(dir, 'package.json');
  if (!existsSync(manifest)) return false;
  try {
    const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { workspaces?: unknown };
    return parsed.workspaces !== undefined;
  } catch {
    return false;
  }
}

export function repoRoot(): string {
  if (cached !== undefined) return cached;
  const start = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (isWorkspaceRoot(dir)) {
      cached = dir;
      return dir;
    }
    if (path.dirname(dir) === dir) {
      throw new Error(`could not find the repository root (a package.json with "workspaces") above ${start}`);
    }
  }
}

/** Directory for locally built tool binaries; `.cache` is git-ignored. */
export function cacheBinDir(): string {
  return path.join(repoRoot(), '.cache', 'bin');
}
