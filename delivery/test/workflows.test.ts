// The GitHub Actions workflows: actionlint finds nothing, and CI and CD keep the guarantees they promise.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureGoTool } from '@marketplace/testing';
import { CLIENT_MANIFESTS } from '../src/helm.ts';
import {
  ACTIONLINT,
  actionlintFindings,
  allSteps,
  environmentOf,
  formatFinding,
  readWorkflow,
  repositoryRoot,
  scriptOf,
  setFileArgs,
  stepsUsing,
  workflowFiles,
  workflowsDir,
  type Workflow,
  type WorkflowJob,
} from '../src/workflows.ts';


const SERVICES: Record<string, string> = {
  router: 'router/Dockerfile',
  users: 'subgraphs/users/Dockerfile',
  products: 'subgraphs/products/Dockerfile',
  orders: 'subgraphs/orders/Dockerfile',
};

/** The ids of the jobs whose steps use `action`. */
function jobsUsing(workflow: Workflow, action: string): [string, WorkflowJob][] {
  return Object.entries(workflow.jobs).filter(([, job]) => stepsUsing(job, action).length > 0);
}

function deployJobs(cd: Workflow): [string, WorkflowJob][] {
  return Object.entries(cd.jobs).filter(([, job]) => /helm upgrade/.test(scriptOf(job)));
}

/** A job's --set-file pairs, with the workflow's, the job's and its steps' env expanded, as the runner would. */
function setFilesOf(workflow: Workflow, job: WorkflowJob): Record<string, string> {
  const env = Object.assign({}, workflow.env, job.env, ...(job.steps ?? []).map((step) => step.env ?? {}));
  return setFileArgs(scriptOf(job), env);
}

/** The clients' manifests as the chart tests pass them (CLIENT_MANIFESTS), relative to the repository root. */
const CLIENT_MANIFEST_FILES = Object.fromEntries(Object.entries(CLIENT_MANIFESTS).map(([key, file]) => [key, path.relative(repositoryRoot, file)]));

describe('actionlint', () => {
  let binary: string;
  beforeAll(async () => {
    binary = await ensureGoTool(ACTIONLINT);
  });

  it('finds nothing in any workflow', async () => {
    const files = workflowFiles();
    expect(files).toEqual(expect.arrayContaining(['ci.yml', 'cd.yml']));
    const findings = await actionlintFindings(binary, files.map((file) => path.join(workflowsDir, file)));
    expect(findings.map(formatFinding)).toEqual([]);
  });

  it('reports a broken workflow, so a clean run means something', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(path.join(tmpdir(), 'actionlint-'));
    try {
      const file = path.join(dir, 'broken.yml');
      await writeFile(file, 'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.nope.nope }}\n');
      expect((await actionlintFindings(binary, [file])).length).toBeGreaterThan(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('every workflow', () => {
  const workflows = workflowFiles().map(readWorkflow);

  it.each(workflows.map((w) => [w.file, w] as const))('%s opens with a comment on its job', (_file, workflow) => {
    expect(workflow.text.split('\n')[0]).toMatch(/^# \S.{10,}/);
  });

  it.each(workflows.map((w) => [w.file, w] as const))('%s pins every action to a commit, with its version beside it', (_file, workflow) => {
    const uses = workflow.text.split('\n').filter((line) => /^\s*(- )?uses:/.test(line));
    expect(uses.length).toBeGreaterThan(0);
    const unpinned = uses.filter((line) => !/uses: (\.\/|docker:\/\/)/.test(line) && !/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*\s*$/.test(line));
    expect(unpinned).toEqual([]);
  });

  it.each(workflows.map((w) => [w.file, w] as const))('%s gives every job a timeout and grants no write access by default', (_file, workflow) => {
    for (const [id, job] of Object.entries(workflow.jobs)) expect(job['timeout-minutes'], id).toBeGreaterThan(0);
    const top = workflow.permissions;
    expect(top === undefined || top === 'write-all' || top === 'read-all').toBe(false);
    expect(Object.values(top as Record<string, string>)).not.toContain('write');
  });
});

describe('ci.yml', () => {
  const ci = readWorkflow('ci.yml');
  const [[, test] = ['', {} as WorkflowJob]] = Object.entries(ci.jobs).filter(([, job]) => job.services !== undefined);

  it('runs on every push and pull request, cancelling superseded runs', () => {
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(['push', 'pull_request']));
    expect(ci.concurrency).toMatchObject({ group: expect.stringContaining('github.ref') });
    expect(String((ci.concurrency as { 'cancel-in-progress': unknown })['cancel-in-progress'])).not.toBe('false');
  });

  it('tests against a mongo:7 service container through MONGODB_URI', () => {
    const mongo = Object.values(test.services ?? {}).find((service) => service.image === 'mongo:7');
    expect(mongo?.ports).toContain('27017:27017');
    const uri = test.env?.MONGODB_URI ?? allSteps(ci).find(({ step }) => step.env?.MONGODB_URI)?.step.env?.MONGODB_URI;
    expect(uri).toMatch(/^mongodb:\/\/(localhost|127\.0\.0\.1):27017\/?$/);
  });

  it('installs with npm ci on Node 24 and runs lint, typecheck and the tests through turbo', () => {
    const node = stepsUsing(test, 'actions/setup-node')[0];
    expect(String(node?.with?.['node-version'])).toMatch(/^24/);
    expect(node?.with?.cache).toBe('npm');
    const script = scriptOf(test);
    expect(script).toMatch(/^npm ci\b/m);
    expect(script).toMatch(/^npm test$/m);
    expect(script).toMatch(/turbo run check:generated lint typecheck test --affected/);
  });

  it('runs everything on pushes and only what is affected on pull requests, from the full history', () => {
    const steps = test.steps ?? [];
    const everything = steps.find((step) => step.run === 'npm test');
    const affected = steps.find((step) => step.run?.includes('--affected'));
    expect(everything?.if).toBe("github.event_name != 'pull_request'");
    expect(affected?.if).toBe("github.event_name == 'pull_request'");
    expect(scriptOf(test)).toMatch(/TURBO_SCM_BASE=/);
    expect(stepsUsing(test, 'actions/checkout')[0]?.with?.['fetch-depth']).toBe(0);
  });

  it('lints and renders the Helm chart and runs actionlint on every run', () => {
    const [[, helm] = ['', {} as WorkflowJob]] = jobsUsing(ci, 'azure/setup-helm');
    expect(helm.if).toBeUndefined();
    expect(scriptOf(helm)).toMatch(/helm lint/);
    expect(scriptOf(helm)).toMatch(/helm template/);
    const lint = Object.values(ci.jobs).find((job) => /actionlint/.test(scriptOf(job)));
    expect(scriptOf(lint ?? {})).toContain('actionlint@v1.7.12');
  });

  it('renders the chart with the clients\' manifests CD deploys, so the router renders in safelist mode', () => {
    const [[, helm] = ['', {} as WorkflowJob]] = jobsUsing(ci, 'azure/setup-helm');
    expect(setFilesOf(ci, helm)).toEqual(CLIENT_MANIFEST_FILES);
  });

  it('has one gate job that needs every other job and fails when any did not succeed', () => {
    const gate = Object.values(ci.jobs).find((job) => job.name === 'CI passed');
    expect(gate?.if).toBe('always()');
    const others = Object.keys(ci.jobs).filter((id) => ci.jobs[id] !== gate);
    expect([gate?.needs].flat().sort()).toEqual(others.sort());
  });
});

describe('cd.yml', () => {
  const cd = readWorkflow('cd.yml');

  it('runs on pushes to main and on version tags', () => {
    expect(cd.on).toEqual({ push: { branches: ['main'], tags: ['v*'] } });
  });

  it('builds the four images from their Dockerfiles with the repository root as context and pushes them', () => {
    const [[, images] = ['', {} as WorkflowJob]] = jobsUsing(cd, 'docker/build-push-action');
    const include = images.strategy?.matrix?.include ?? [];
    expect(Object.fromEntries(include.map((entry) => [entry.service, entry.dockerfile]))).toEqual(SERVICES);
    const build = stepsUsing(images, 'docker/build-push-action')[0];
    expect(build?.with).toMatchObject({ context: '.', file: '${{ matrix.dockerfile }}', push: true });
    const meta = stepsUsing(images, 'docker/metadata-action')[0];
    expect(meta?.with?.images).toMatch(/\/marketplace-\$\{\{ matrix\.service \}\}$/);
    expect(meta?.with?.tags).toMatch(/type=sha,format=long,prefix=/);
    expect(meta?.with?.tags).toMatch(/type=semver,pattern=\{\{version\}\}/);
    const login = stepsUsing(images, 'docker/login-action')[0];
    expect(login?.with).toMatchObject({ username: '${{ secrets.REGISTRY_USERNAME }}', password: '${{ secrets.REGISTRY_PASSWORD }}' });
    expect(cd.text).toMatch(/vars\.REGISTRY/);
  });

  it('gets AWS credentials only through OIDC, never from stored keys', () => {
    expect(cd.text).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN/);
    const aws = jobsUsing(cd, 'aws-actions/configure-aws-credentials');
    expect(aws.length).toBeGreaterThan(0);
    for (const [id, job] of aws) {
      expect(job.permissions, id).toMatchObject({ 'id-token': 'write' });
      for (const step of stepsUsing(job, 'aws-actions/configure-aws-credentials')) {
        expect(step.with?.['role-to-assume'], id).toBeTruthy();
      }
    }
    // Only the deploy jobs may ask GitHub for an OIDC token.
    const withToken = Object.entries(cd.jobs).filter(([, job]) => (job.permissions as Record<string, string> | undefined)?.['id-token'] === 'write');
    expect(withToken.map(([id]) => id).sort()).toEqual(aws.map(([id]) => id).sort());
  });

  it('deploys with helm upgrade --install, rolled back unless ready, after pointing kubectl at EKS', () => {
    const deploys = deployJobs(cd);
    expect(deploys.length).toBe(2);
    for (const [id, job] of deploys) {
      const script = scriptOf(job);
      expect(script, id).toMatch(/aws eks update-kubeconfig/);
      expect(script, id).toMatch(/helm upgrade --install/);
      // Helm 4 renamed --atomic to --rollback-on-failure; either spelling rolls back a failed release.
      expect(script, id).toMatch(/--atomic|--rollback-on-failure/);
      expect(script, id).toMatch(/--wait\b/);
      expect(script, id).toMatch(/--set-string image\.tag=/);
      expect([job.needs].flat(), id).toContain('images');
    }
  });

  it('deploys production only from tags, bound to the production environment, with its own values', () => {
    const production = deployJobs(cd).filter(([, job]) => environmentOf(job) === 'production');
    expect(production.length).toBe(1);
    const [[, job] = ['', {} as WorkflowJob]] = production;
    expect(job.if).toBe("startsWith(github.ref, 'refs/tags/v')");
    expect(scriptOf(job)).toMatch(/values-production\.yaml/);
    expect(scriptOf(job)).not.toMatch(/values-staging/);
  });

  it('deploys staging only from main, bound to the staging environment', () => {
    const staging = deployJobs(cd).filter(([, job]) => environmentOf(job) === 'staging');
    expect(staging.length).toBe(1);
    const [[, job] = ['', {} as WorkflowJob]] = staging;
    expect(job.if).toBe("github.ref == 'refs/heads/main'");
    expect(scriptOf(job)).not.toMatch(/values-production/);
  });

  it('checks a release tag (signed, on main, CI passed) before anything is built for it', () => {
    const check = allSteps(cd).find(({ step }) => step.if === "github.ref_type == 'tag'");
    expect(check?.step.run).toMatch(/merge-base --is-ancestor/);
    expect(check?.step.run).toMatch(/verification\.verified/);
    expect(check?.step.run).toMatch(/check_name=CI%20passed/);
    const images = jobsUsing(cd, 'docker/build-push-action')[0]?.[1];
    expect([images?.needs].flat()).toContain(check?.jobId);
  });

  it("passes both clients' manifests of the commit to every deploy, as the chart tests render them (safelist)", () => {
    expect(Object.keys(CLIENT_MANIFEST_FILES).sort()).toEqual(['config.router.persistedDocuments.manifests.mobile\\.json', 'config.router.persistedDocuments.manifests.web\\.json']);
    for (const file of Object.values(CLIENT_MANIFEST_FILES)) expect(existsSync(path.join(repositoryRoot, file)), file).toBe(true);
    for (const [id, job] of deployJobs(cd)) {
      expect(setFilesOf(cd, job), id).toEqual(CLIENT_MANIFEST_FILES);
      expect(stepsUsing(job, 'actions/checkout').length, `${id} reads the manifests from its checkout`).toBe(1);
    }
  });

  it("smoke-tests each deploy with a listed document's id, the only kind of request a safelist runs", () => {
    for (const [id, job] of deployJobs(cd)) {
      const smoke = (job.steps ?? []).find((step) => step.name === 'Smoke test');
      expect(smoke?.run, id).toMatch(/documentId/);
      expect(smoke?.run, id).toMatch(/\$WEB_MANIFEST/);
      expect(smoke?.run, `${id} sends no document text`).not.toMatch(/"query"/);
    }
  });

  it('never cancels a deploy in progress', () => {
    expect(cd.concurrency).toMatchObject({ 'cancel-in-progress': false });
    for (const [id, job] of deployJobs(cd)) expect(job.concurrency, id).toMatchObject({ 'cancel-in-progress': false });
  });
});
