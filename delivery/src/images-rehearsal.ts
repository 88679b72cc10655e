// Runs a Dockerfile's own steps on this machine, one folder per stage, to prove the build works where no container engine exists.
//
// What is modelled: FROM (a fresh, empty filesystem, or an earlier stage's), WORKDIR, COPY (from the context,
// filtered by .dockerignore, or --from a stage, symlinks kept as they are), RUN (through `sh -c` in the mapped
// WORKDIR), ENV, USER, EXPOSE and CMD. What is not: the base image's own files. `node` and `npm` come from the
// caller's PATH, which should name Node 24 so it matches node:24-slim. RUN lines therefore have to use paths
// relative to WORKDIR; an absolute path is refused instead of silently touching this machine.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { dockerignoreMatcher, execForm, parseDockerfile, stageEnv, type Instruction } from './images-dockerfile.ts';

export interface RehearsalOptions {
  dockerfile: string;
  /** The build context: the repository root, as `docker build -f <dockerfile> .` from there. */
  context: string;
  /** An empty scratch folder; each stage gets a subfolder as its filesystem root. */
  workDir: string;
  /** Environment for RUN steps; its PATH must lead to Node 24's node and to npm. */
  env: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface StepTiming {
  stage: string;
  line: number;
  step: string;
  ms: number;
}

export interface RehearsedImage {
  /** The final stage's filesystem root on this machine. */
  rootfs: string;
  env: Record<string, string>;
  user: string | undefined;
  workdir: string;
  expose: string[];
  cmd: string[];
  steps: StepTiming[];
  /** Where a path inside the image lives on this machine. */
  hostPath(containerPath: string): string;
}

interface StageState {
  rootfs: string;
  workdir: string;
  env: Record<string, string>;
  user: string | undefined;
  expose: string[];
  cmd: string[];
}

export class RehearsalError extends Error {
  override name = 'RehearsalError';
}

const inside = (rootfs: string, containerPath: string) => path.join(rootfs, path.posix.resolve('/', containerPath));

function run(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new RehearsalError(`RUN ${command}\nexited with ${code}:\n${output.split('\n').slice(-40).join('\n')}`));
    });
  });
}

/**
 * Copies a finished stage's directory as hard links (GNU cp): nothing writes to a stage once a later one copies
 * from it, and linking the router's 13,000 installed files takes a second where copying them takes ten.
 */
function linkTree(origin: string, destination: string): boolean {
  mkdirSync(destination, { recursive: true });
  return spawnSync('cp', ['-al', `${origin}/.`, destination], { stdio: 'ignore' }).status === 0;
}

export async function rehearseBuild(options: RehearsalOptions): Promise<RehearsedImage> {
  const log = options.log ?? (() => {});
  const dockerfile = parseDockerfile(readFileSync(options.dockerfile, 'utf8'));
  const ignorePath = path.join(options.context, '.dockerignore');
  const ignored = existsSync(ignorePath) ? dockerignoreMatcher(readFileSync(ignorePath, 'utf8')) : () => false;
  const stages = new Map<string, StageState>();
  const steps: StepTiming[] = [];
  let state: StageState | undefined;

  for (const [index, stage] of dockerfile.stages.entries()) {
    const label = stage.name ?? `stage ${index}`;
    const rootfs = path.join(options.workDir, `${index}-${stage.name ?? 'final'}`);
    const parent = stages.get(stage.image);
    mkdirSync(rootfs, { recursive: true });
    if (parent) cpSync(parent.rootfs, rootfs, { recursive: true, verbatimSymlinks: true });
    state = parent
      ? { ...parent, rootfs, env: { ...parent.env }, expose: [...parent.expose] }
      : { rootfs, workdir: '/', env: {}, user: undefined, expose: [], cmd: [] };
    for (const instruction of stage.instructions) {
      const started = performance.now();
      await apply(instruction, state);
      const ms = Math.round(performance.now() - started);
      const step = `${instruction.keyword} ${instruction.args}`.replace(/\s+/g, ' ');
      steps.push({ stage: label, line: instruction.line, step, ms });
      log(`[${label}] ${step.length > 100 ? `${step.slice(0, 97)}...` : step} (${ms} ms)`);
    }
    stages.set(stage.name ?? String(index), state);
  }
  if (!state) throw new RehearsalError(`${options.dockerfile} has no FROM`);
  const final = state;
  return { ...final, steps, hostPath: (containerPath) => inside(final.rootfs, containerPath) };

  async function apply(instruction: Instruction, current: StageState): Promise<void> {
    const { keyword, args, flags, line } = instruction;
    const where = `${path.basename(options.dockerfile)} line ${line}`;
    switch (keyword) {
      case 'WORKDIR':
        current.workdir = path.posix.resolve(current.workdir, args);
        mkdirSync(inside(current.rootfs, current.workdir), { recursive: true });
        return;
      case 'ENV':
        Object.assign(current.env, stageEnv({ image: '', instructions: [instruction] }));
        return;
      case 'USER':
        current.user = args;
        return;
      case 'EXPOSE':
        current.expose.push(...args.split(/\s+/));
        return;
      case 'CMD':
        current.cmd = execForm(instruction);
        return;
      case 'LABEL':
        return;
      case 'RUN': {
        const unknown = Object.keys(flags).filter((flag) => flag !== 'mount');
        if (unknown.length > 0) throw new RehearsalError(`${where}: RUN --${unknown.join(', --')} is not modelled`);
        // Cache mounts only speed up a real build; the rehearsal uses this machine's npm cache anyway.
        if (/(^|\s)\//.test(args)) throw new RehearsalError(`${where}: RUN uses an absolute path; use one relative to WORKDIR`);
        await run(args, inside(current.rootfs, current.workdir), { ...options.env, ...current.env });
        return;
      }
      case 'COPY':
        copy(instruction, current, where);
        return;
      default:
        throw new RehearsalError(`${where}: ${keyword} is not modelled by the rehearsal`);
    }
  }

  function copy({ args, flags }: Instruction, current: StageState, where: string): void {
    const unknown = Object.keys(flags).filter((flag) => !['from', 'link', 'chown', 'chmod'].includes(flag));
    if (unknown.length > 0 || args.startsWith('[') || /[*?[]/.test(args)) {
      throw new RehearsalError(`${where}: only plain COPY [--from=stage] <src>... <dest> is modelled`);
    }
    const parts = args.split(/\s+/);
    const dest = parts.pop()!;
    if (parts.length === 0) throw new RehearsalError(`${where}: COPY needs a source and a destination`);
    const from = flags.from === undefined ? undefined : stages.get(flags.from);
    if (flags.from !== undefined && !from) throw new RehearsalError(`${where}: no earlier stage named ${flags.from}`);
    const target = inside(current.rootfs, path.posix.resolve(current.workdir, dest));
    const intoDirectory = dest.endsWith('/') || parts.length > 1;

    for (const source of parts) {
      const relative = path.posix.normalize(source.replace(/^\/+/, ''));
      if (!from && (relative === '..' || relative.startsWith('../'))) throw new RehearsalError(`${where}: ${source} is outside the context`);
      if (!from && relative !== '.' && ignored(relative)) throw new RehearsalError(`${where}: ${source} is excluded by .dockerignore`);
      const origin = from ? inside(from.rootfs, source) : path.join(options.context, relative);
      if (!existsSync(origin)) throw new RehearsalError(`${where}: ${source} does not exist`);
      // A directory's contents land in the destination; a file lands as the destination or inside it.
      const destination = statSync(origin).isDirectory() || !intoDirectory ? target : path.join(target, path.basename(origin));
      if (from && statSync(origin).isDirectory() && linkTree(origin, destination)) continue;
      const filter = from ? undefined : (file: string) => {
        const rel = path.relative(options.context, file).split(path.sep).join('/');
        return rel === '' || !ignored(rel);
      };
      cpSync(origin, destination, { recursive: true, verbatimSymlinks: true, force: true, ...(filter ? { filter } : {}) });
    }
  }
}
