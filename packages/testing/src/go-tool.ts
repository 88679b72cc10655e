// Go-built command-line tools (helm, actionlint), installed once into the repository's .cache/bin.
import { access } from 'node:fs/promises';
import path from 'node:path';
import { withDirLock } from './database/dir-lock.ts';
import { cacheBinDir } from './database/repo-root.ts';
import { findOnPath, runCommand, tail } from './database/run-command.ts';

export interface GoTool {
  /** The binary's name, e.g. "helm". */
  name: string;
  /** The main package, e.g. "helm.sh/helm/v4/cmd/helm". */
  module: string;
  version: string;
}

const exists = (file: string) => access(file).then(() => true, () => false);

/** The tool's path, running `go install <module>@<version>` with GOBIN=.cache/bin/<name>-<version> if needed. */
export async function ensureGoTool(tool: GoTool, log: (line: string) => void = (l) => process.stderr.write(`[tools] ${l}\n`)): Promise<string> {
  const dir = path.join(cacheBinDir(), `${tool.name}-${tool.version}`);
  const binary = path.join(dir, tool.name);
  if (await exists(binary)) return binary;
  const go = await findOnPath('go');
  if (!go) throw new Error(`Go is not on the PATH, so ${tool.name} ${tool.version} cannot be installed (go install ${tool.module}@${tool.version})`);
  await withDirLock(path.join(cacheBinDir(), `${tool.name}.lock`), async () => {
    if (await exists(binary)) return;
    log(`installing ${tool.name} ${tool.version} with go install (once, cached in .cache/bin)…`);
    const result = await runCommand(go, ['install', `${tool.module}@${tool.version}`], {
      env: { ...process.env, GOBIN: dir },
      onStderrLine: log,
    });
    if (result.code !== 0) throw new Error(`go install ${tool.module}@${tool.version} failed:\n${tail(result.stderr)}`);
  }, { staleMs: 15 * 60_000, onWait: () => log(`waiting for another process installing ${tool.name}…`), isDone: () => exists(binary) });
  return binary;
}
