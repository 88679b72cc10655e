// Builds one service's container image, tagged with the commit and the package version; skips cleanly where no container engine runs.
//
//   node scripts/images.ts <users|products|orders|router> [--dry-run]
//
// REGISTRY             image name prefix (default "marketplace"): <REGISTRY>/marketplace-<service>:<tag>
// CONTAINER_ENGINE     docker, podman or buildah; default: the first of those that can build here
// GIT_SHA              the commit to tag with (default: `git rev-parse HEAD`, as CD tags; "-dirty" when the tree has changes)
// --dry-run            print the build command instead of running it
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVICES: Record<string, string> = {
  users: 'subgraphs/users',
  products: 'subgraphs/products',
  orders: 'subgraphs/orders',
  router: 'router',
};
const ENGINES = ['docker', 'podman', 'buildah'] as const;
type Engine = (typeof ENGINES)[number];

const root = fileURLToPath(new URL('..', import.meta.url));

function capture(command: string, args: string[]): { ok: boolean; output: string; error: string } {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', timeout: 20_000 });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    return { ok: false, output: '', error: missing ? 'not installed' : result.error.message };
  }
  return { ok: result.status === 0, output: result.stdout.trim(), error: result.stderr.trim() };
}

/** The first engine that can build here, or why none can: a CLI alone is not enough, docker and podman need their service. */
function findEngine(): { engine?: Engine; reasons: string[] } {
  const wanted = process.env.CONTAINER_ENGINE?.trim();
  if (wanted && !(ENGINES as readonly string[]).includes(wanted)) {
    throw new Error(`CONTAINER_ENGINE must be one of ${ENGINES.join(', ')} (got "${wanted}")`);
  }
  const reasons: string[] = [];
  for (const engine of wanted ? [wanted as Engine] : ENGINES) {
    const probe = capture(engine, engine === 'buildah' ? ['version'] : ['info']);
    if (probe.ok) return { engine, reasons };
    if (probe.error === 'not installed') {
      reasons.push(`${engine}: not installed`);
      continue;
    }
    const firstLine = `${probe.error}\n${probe.output}`.split('\n').find((line) => line.trim() !== '') ?? `exited with an error`;
    reasons.push(`${engine}: installed, but cannot build (${firstLine.trim()})`);
  }
  return { reasons };
}

function commitTag(): string | undefined {
  const given = process.env.GIT_SHA?.trim();
  if (given) return given;
  const head = capture('git', ['rev-parse', 'HEAD']);
  if (!head.ok) return undefined;
  // A commit tag on an image built from uncommitted changes would claim contents the commit does not have.
  const status = capture('git', ['status', '--porcelain']);
  return status.ok && status.output !== '' ? `${head.output}-dirty` : head.output;
}

const [service, ...flags] = process.argv.slice(2);
const dir = service ? SERVICES[service] : undefined;
if (!dir || flags.some((flag) => flag !== '--dry-run')) {
  console.error(`usage: node scripts/images.ts <${Object.keys(SERVICES).join('|')}> [--dry-run]`);
  process.exit(2);
}
const dryRun = flags.includes('--dry-run');

const { version } = JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8')) as { version: string };
const commit = commitTag();
const repository = `${process.env.REGISTRY?.trim() || 'marketplace'}/marketplace-${service}`;
const tags = [...(commit ? [commit] : []), version].map((tag) => `${repository}:${tag}`);
if (!commit) console.warn(`images: no git commit found (set GIT_SHA); tagging ${service} with its version only`);

const args = [
  'build',
  '-f',
  `${dir}/Dockerfile`,
  ...tags.flatMap((tag) => ['-t', tag]),
  '--label',
  `org.opencontainers.image.title=marketplace-${service}`,
  '--label',
  `org.opencontainers.image.version=${version}`,
  ...(commit ? ['--label', `org.opencontainers.image.revision=${commit}`] : []),
  '.',
];

if (dryRun) {
  console.log([process.env.CONTAINER_ENGINE?.trim() || 'docker', ...args].join(' '));
  process.exit(0);
}

const { engine, reasons } = findEngine();
if (!engine) {
  console.log(`images: no container engine can build here, so the ${service} image is skipped:\n${reasons.map((r) => `  - ${r}`).join('\n')}`);
  process.exit(0);
}

console.log(`images: building ${tags.join(', ')} with ${engine}`);
// The Dockerfiles use RUN --mount cache mounts, which need BuildKit under docker.
const built = spawnSync(engine, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...(engine === 'docker' ? { DOCKER_BUILDKIT: '1' } : {}) } });
if (built.error) throw built.error;
process.exit(built.status ?? 1);
