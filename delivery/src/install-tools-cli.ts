// Installs the Go-built tools the delivery checks use (helm, actionlint) ahead of the tests.
import { ensureGoTool } from '@marketplace/testing';
import { HELM } from './helm.ts';
import { ACTIONLINT } from './workflows.ts';

for (const tool of [HELM, ACTIONLINT]) {
  const binary = await ensureGoTool(tool);
  console.log(`${tool.name} ${tool.version}: ${binary}`);
}
