// The storefront's production build (clients/web/dist), made again whenever its sources changed since
// the last one: npm start and the e2e tests' global setup both serve it only through here.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isStorefrontBuilt, STOREFRONT_DIST, STOREFRONT_ROOT } from '@marketplace/web/server';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** What the last build here was made from, and the index.html it wrote (git-ignored, like the rest of .cache). */
const STAMP = path.join(ROOT, '.cache', 'storefront-build.json');
/** The files a build depends on, relative to the storefront's workspace; directories are read whole. */
const INPUTS = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json', 'tsconfig.json', '../../package-lock.json'];

function filesUnder(entry: string): string[] {
  if (!existsSync(entry)) return [];
  if (!statSync(entry).isDirectory()) return [entry];
  return readdirSync(entry, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name));
}

function sourcesHash(): string {
  const hash = createHash('sha256');
  const files = INPUTS.flatMap((input) => filesUnder(path.join(STOREFRONT_ROOT, input))).sort();
  for (const file of files) hash.update(path.relative(STOREFRONT_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

const indexHash = () => createHash('sha256').update(readFileSync(path.join(STOREFRONT_DIST, 'index.html'))).digest('hex');

function readStamp(): { sources?: string; index?: string } {
  try {
    return JSON.parse(readFileSync(STAMP, 'utf8')) as { sources?: string; index?: string };
  } catch {
    return {};
  }
}

/** `npm run build -w @marketplace/web`, quietly unless it fails. */
function runBuild(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'build', '-w', '@marketplace/web'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('error', (error) => reject(new Error(`cannot run npm to build the storefront: ${error.message}`)));
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`building the storefront failed (npm run build -w @marketplace/web: ${code ?? signal}):\n${output.trimEnd()}`)),
    );
  });
}

export type StorefrontBuild = { kind: 'fresh' } | { kind: 'built'; seconds: number };

/** Builds the storefront unless clients/web/dist holds the build of exactly the current sources. */
export async function ensureStorefrontBuild(): Promise<StorefrontBuild> {
  const sources = sourcesHash();
  const stamp = readStamp();
  if (isStorefrontBuilt() && stamp.sources === sources && stamp.index === indexHash()) return { kind: 'fresh' };
  const started = Date.now();
  await runBuild();
  mkdirSync(path.dirname(STAMP), { recursive: true });
  writeFileSync(STAMP, JSON.stringify({ sources, index: indexHash() }));
  return { kind: 'built', seconds: (Date.now() - started) / 1000 };
}
