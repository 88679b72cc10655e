// Chromium for the storefront's browser tests: Debian's `chromium` package (which .ci/run installs),
// driven by playwright-core; pages that record their console errors and failed requests, and
// named screenshots in e2e/screenshots/.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const SCREENSHOTS_DIR = fileURLToPath(new URL('../screenshots/', import.meta.url));

/** Headless, and nothing that reaches out on its own (updates, sync, component downloads). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
] as const;

const executable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

export type ChromiumLookup = { found: true; path: string } | { found: false; reason: string };

/** CHROMIUM_PATH when set; otherwise `chromium` on the PATH, or /usr/bin/chromium. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): ChromiumLookup {
  const given = env.CHROMIUM_PATH?.trim();
  if (given) return executable(given) ? { found: true, path: given } : { found: false, reason: `CHROMIUM_PATH=${given} is not an executable file` };
  const onPath = spawnSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).stdout?.trim();
  if (onPath && executable(onPath)) return { found: true, path: onPath };
  if (executable('/usr/bin/chromium')) return { found: true, path: '/usr/bin/chromium' };
  return { found: false, reason: 'no chromium on the PATH or at /usr/bin/chromium' };
}

let reported = false;

/**
 * For `describe.skipIf(browserMissing())`: false when Chromium is there. When it is not, a CI run
 * (CI set) fails right here, since the browser tests must not pass by skipping; anywhere else they
 * are skipped, with a line saying why.
 */
export function browserMissing(env: NodeJS.ProcessEnv = process.env): boolean {
  const lookup = findChromium(env);
  if (lookup.found) return false;
  const remedy = '`.ci/run` installs it (apt-get install chromium, Debian\'s package), or set CHROMIUM_PATH to a Chromium binary';
  if (env.CI && !['0', 'false'].includes(env.CI.toLowerCase())) throw new Error(`Chromium is missing (${lookup.reason}) and CI is set, so the browser tests cannot be skipped: ${remedy}.`);
  if (!reported) {
    reported = true;
    console.warn(`\n*** Skipping the browser tests: Chromium is missing (${lookup.reason}). ${remedy}. ***\n`);
  }
  return true;
}

export async function launchBrowser(): Promise<Browser> {
  const lookup = findChromium();
  if (!lookup.found) throw new Error(`Chromium is missing (${lookup.reason}): .ci/run installs it (apt-get install chromium)`);
  // playwright-core gives each launch a fresh, throwaway profile.
  return chromium.launch({ executablePath: lookup.path, args: [...CHROMIUM_ARGS] });
}

/** `name` as a file name: letters, digits, dots, dashes and underscores. */
const fileNameOf = (name: string) => name.trim().replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'screenshot';

/** Saves a full-page PNG as e2e/screenshots/<name>.png (git-ignored) and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const file = path.join(SCREENSHOTS_DIR, `${fileNameOf(name)}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** console.error messages and uncaught exceptions, in order. */
  consoleErrors: string[];
  /** Requests that got no answer (network errors, blocked by CSP or CORS) or an HTTP status of 400 and up. */
  failedRequests: string[];
  /** Both lists in one, for `expect(watched.problems()).toEqual([])`. */
  problems(): string[];
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export interface WatchOptions {
  /** URLs whose 4xx/5xx answers a test expects (for example a refused sign-in); network failures still count. */
  allowStatus?: (url: string, status: number) => boolean;
}

/** A page in a fresh context (its own cookies and storage) whose console errors and failed requests are recorded. */
export async function openWatchedPage(browser: Browser, options: WatchOptions = {}): Promise<WatchedPage> {
  const context = await browser.newContext();
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const failedRequests: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const where = message.location();
    consoleErrors.push(where.url ? `${message.text()} (${where.url}:${where.lineNumber})` : message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.stack ?? error.message}`));
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? 'failed';
    // A request still loading when the page navigates away (a favicon, say) is cancelled by the browser, not failed.
    if (reason === 'net::ERR_ABORTED') return;
    failedRequests.push(`${request.method()} ${request.url()}: ${reason}`);
  });
  page.on('response', (response) => {
    const status = response.status();
    if (status >= 400 && !options.allowStatus?.(response.url(), status)) failedRequests.push(`${response.request().method()} ${response.url()} → ${status}`);
  });
  return {
    page,
    context,
    consoleErrors,
    failedRequests,
    problems: () => [...consoleErrors.map((e) => `console: ${e}`), ...failedRequests.map((r) => `request: ${r}`)],
    screenshot: (name) => saveScreenshot(page, name),
    close: () => context.close(),
  };
}

/**
 * Runs `steps` on a fresh watched page and closes it after; when a step throws, the page is first
 * saved as e2e/screenshots/<name>-failed.png, and the error names that file.
 */
export async function withWatchedPage<T>(browser: Browser, name: string, steps: (watched: WatchedPage) => Promise<T>, options: WatchOptions = {}): Promise<T> {
  const watched = await openWatchedPage(browser, options);
  try {
    return await steps(watched);
  } catch (error) {
    const shot = await watched.screenshot(`${name}-failed`).catch(() => undefined);
    if (shot && error instanceof Error) error.message += `\n(the page at the time: ${path.relative(process.cwd(), shot)})`;
    throw error;
  } finally {
    await watched.close();
  }
}
