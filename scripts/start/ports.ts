// Checks every service port up front, so a clash is reported before a database is started for nothing.
import net from 'node:net';
import type { Listener } from './services.ts';

function bindable(host: string, port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

export function portTakenMessage(endpoint: Listener): string {
  return (
    `port ${endpoint.port} (${endpoint.name}) is already in use on ${endpoint.host}: ` +
    `is another \`npm start\` still running? Stop it, or set ${endpoint.portVar} to a free port.`
  );
}

/** Problems found, one line each; empty when every port can be bound. */
export async function portProblems(list: readonly Listener[]): Promise<string[]> {
  const problems: string[] = [];
  const seen = new Map<number, Listener>();
  for (const endpoint of list) {
    const twin = seen.get(endpoint.port);
    if (twin !== undefined) {
      problems.push(`${twin.portVar} and ${endpoint.portVar} are both ${endpoint.port}: each needs its own port.`);
      continue;
    }
    seen.set(endpoint.port, endpoint);
    const error = await bindable(endpoint.host, endpoint.port);
    if (error === undefined) continue;
    if (error.code === 'EADDRINUSE') problems.push(portTakenMessage(endpoint));
    else if (error.code === 'EACCES') problems.push(`port ${endpoint.port} (${endpoint.portVar}) needs privileges this user lacks; pick one above 1023.`);
    else problems.push(`cannot listen on ${endpoint.host}:${endpoint.port} (${endpoint.portVar}): ${error.message}`);
  }
  return problems;
}
