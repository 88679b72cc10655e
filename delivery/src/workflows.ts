// Reads the GitHub Actions workflows as data and runs actionlint on them, for the delivery tests.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The workflow linter, built from the Go module proxy into .cache/bin. */
export const ACTIONLINT = { name: 'actionlint', module: 'github.com/rhysd/actionlint/cmd/actionlint', version: 'v1.7.12' } as const;

/** The repository root: this file lives in delivery/src. */
export const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
export const workflowsDir = path.join(repositoryRoot, '.github', 'workflows');

export interface WorkflowStep {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string | number | boolean>;
  env?: Record<string, string>;
}

export interface WorkflowJob {
  name?: string;
  if?: string;
  needs?: string | string[];
  'runs-on'?: string;
  'timeout-minutes'?: number;
  environment?: string | { name: string; url?: string };
  permissions?: string | Record<string, string>;
  concurrency?: string | { group: string; 'cancel-in-progress'?: boolean | string };
  services?: Record<string, { image: string; ports?: string[]; options?: string; env?: Record<string, string> }>;
  strategy?: { matrix?: Record<string, unknown> & { include?: Record<string, string>[] } };
  env?: Record<string, string>;
  outputs?: Record<string, string>;
  steps?: WorkflowStep[];
  uses?: string;
}

export interface Workflow {
  /** File name inside .github/workflows. */
  file: string;
  /** The file as written, comments included. */
  text: string;
  name?: string;
  on: Record<string, unknown>;
  permissions?: string | Record<string, string>;
  concurrency?: string | { group: string; 'cancel-in-progress'?: boolean | string };
  env?: Record<string, string>;
  jobs: Record<string, WorkflowJob>;
}

/** The workflow files, sorted by name. */
export function workflowFiles(): string[] {
  return readdirSync(workflowsDir)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort();
}

export function readWorkflow(file: string): Workflow {
  const text = readFileSync(path.join(workflowsDir, file), 'utf8');
  const parsed = parse(text) as Omit<Workflow, 'file' | 'text'>;
  return { ...parsed, file, text };
}

/** The environment name a job is bound to, if any. */
export function environmentOf(job: WorkflowJob): string | undefined {
  return typeof job.environment === 'string' ? job.environment : job.environment?.name;
}

/** Every step of every job, with the job's id. */
export function allSteps(workflow: Workflow): { jobId: string; job: WorkflowJob; step: WorkflowStep }[] {
  return Object.entries(workflow.jobs).flatMap(([jobId, job]) => (job.steps ?? []).map((step) => ({ jobId, job, step })));
}

/** The steps of a job that use an action (`owner/repo@ref`), matched by its name without the ref. */
export function stepsUsing(job: WorkflowJob, action: string): WorkflowStep[] {
  return (job.steps ?? []).filter((step) => step.uses?.split('@')[0] === action);
}

/** Every `run` script of a job, joined. */
export function scriptOf(job: WorkflowJob): string {
  return (job.steps ?? []).map((step) => step.run ?? '').join('\n');
}

/**
 * The `--set-file key=file` pairs of a script, as bash passes them to helm: single quotes taken literally,
 * double quotes with their backslash escapes undone and $NAME / ${NAME} expanded from env.
 */
export function setFileArgs(script: string, env: Record<string, string | undefined> = {}): Record<string, string> {
  const pairs: Record<string, string> = {};
  const word = /--set-file[ \t]+('([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+))/g;
  for (const match of script.matchAll(word)) {
    const [, , single, double, bare] = match;
    const expand = (text: string) => text.replace(/\$\{?(\w+)\}?/g, (_all, name: string) => env[name] ?? '');
    // In double quotes a backslash escapes only \ " $ and `; outside quotes, any character.
    const value = single ?? (double !== undefined ? expand(double).replace(/\\([\\"$`])/g, '$1') : expand(bare ?? '').replace(/\\(.)/g, '$1'));
    const at = value.indexOf('=');
    pairs[value.slice(0, at)] = value.slice(at + 1);
  }
  return pairs;
}

export interface ActionlintFinding {
  message: string;
  filepath: string;
  line: number;
  column: number;
  kind: string;
}

/**
 * Runs actionlint on the given files and returns its findings (none means clean). actionlint also
 * runs shellcheck on `run:` scripts when shellcheck is on the PATH.
 */
export function actionlintFindings(binary: string, files: readonly string[], configFile = path.join(repositoryRoot, '.github', 'actionlint.yaml')): Promise<ActionlintFinding[]> {
  const args = ['-no-color', '-format', '{{json .}}', '-config-file', configFile, ...files];
  return new Promise((resolve, reject) => {
    execFile(binary, args, { cwd: repositoryRoot }, (error, stdout, stderr) => {
      // Exit code 1 means "findings were printed"; anything else is actionlint failing to run.
      const code = error ? (error as { code?: unknown }).code : 0;
      if (code !== 0 && code !== 1) {
        reject(new Error(`actionlint failed (${String(code)}): ${stderr || String(error)}`));
        return;
      }
      const trimmed = stdout.trim();
      resolve(trimmed === '' ? [] : (JSON.parse(trimmed) as ActionlintFinding[]));
    });
  });
}

export function formatFinding(finding: ActionlintFinding): string {
  return `${path.relative(repositoryRoot, path.resolve(repositoryRoot, finding.filepath))}:${finding.line}:${finding.column}: ${finding.message} [${finding.kind}]`;
}
