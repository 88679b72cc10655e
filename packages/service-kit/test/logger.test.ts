import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED, redactUrl } from '../src/logger.ts';

function capture() {
  const lines: Record<string, any>[] = [];
  const text: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text.push(String(chunk));
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { stream, lines, text: () => text.join('') };
}

describe('createLogger', () => {
  it('redacts the credentials in a pino-http access line and keeps the rest', () => {
    const out = capture();
    const logger = createLogger('test', out.stream, { level: 'info' });
    logger.info(
      {
        req: {
          id: 'trace-1',
          method: 'POST',
          url: '/graphql',
          headers: { authorization: 'Bearer v4.public.x', cookie: 'a=b', 'proxy-authorization': 'Basic dXNlcjpwYXNz', host: 'localhost', 'x-request-id': 'trace-1' },
        },
        res: { statusCode: 200, headers: { 'set-cookie': 'x', 'content-type': 'application/json' } },
        responseTime: 3,
      },
      'request completed',
    );
    expect(out.text()).not.toMatch(/Bearer|v4\.public|a=b|Basic|dXNlcjpwYXNz|"set-cookie":"x"/);
    expect(out.lines).toEqual([
      expect.objectContaining({
        name: 'test',
        msg: 'request completed',
        responseTime: 3,
        req: {
          id: 'trace-1',
          method: 'POST',
          url: '/graphql',
          headers: { authorization: REDACTED, cookie: REDACTED, 'proxy-authorization': REDACTED, host: 'localhost', 'x-request-id': 'trace-1' },
        },
        res: { statusCode: 200, headers: { 'set-cookie': REDACTED, 'content-type': 'application/json' } },
      }),
    ]);
  });

  it('redacts password and token fields at the top level and a few levels down', () => {
    const out = capture();
    const logger = createLogger('test', out.stream, { level: 'info' });
    logger.info({ email: 'ada@example.com', password: 'Secret-one-1', token: 'v4.public.top' }, 'sign-in');
    logger.info({ input: { email: 'ada@example.com', currentPassword: 'Secret-two-2', newPassword: 'Secret-three-3' } });
    logger.info({ body: { variables: { input: { password: 'Secret-four-4', name: 'Ada' } } } });
    logger.info({ result: { login: { accessToken: 'v4.public.access', refreshToken: 'refresh-xyz', user: { id: 'u1' } } } });
    logger.info({ users: [{ id: 'u2', passwordHash: '$argon2id$v=19$hash' }] });
    expect(out.text()).not.toMatch(/Secret-|v4\.public|refresh-xyz|argon2id/);
    expect(out.lines.map(({ level: _level, time: _time, pid: _pid, hostname: _hostname, name: _name, ...rest }) => rest)).toEqual([
      { email: 'ada@example.com', password: REDACTED, token: REDACTED, msg: 'sign-in' },
      { input: { email: 'ada@example.com', currentPassword: REDACTED, newPassword: REDACTED } },
      { body: { variables: { input: { password: REDACTED, name: 'Ada' } } } },
      { result: { login: { accessToken: REDACTED, refreshToken: REDACTED, user: { id: 'u1' } } } },
      { users: [{ id: 'u2', passwordHash: REDACTED }] },
    ]);
  });

  it('redacts through child loggers, including pino-http\'s child with its own serializers', () => {
    const out = capture();
    const root = createLogger('test', out.stream, { level: 'debug' });
    const child = root.child({ service: 'orders' }).child({}, { serializers: { req: (req: Record<string, unknown>) => ({ ...req, serialized: true }) } });
    child.debug({ req: { headers: { authorization: 'Bearer v4.public.child', accept: '*/*' } } });
    expect(out.text()).not.toContain('v4.public');
    expect(out.lines[0]).toMatchObject({ service: 'orders', req: { serialized: true, headers: { authorization: REDACTED, accept: '*/*' } } });
  });

  it('replaces the operation and variables of a GraphQL GET request in the logged URL', () => {
    const out = capture();
    const logger = createLogger('test', out.stream, { level: 'info' });
    const variables = encodeURIComponent(JSON.stringify({ p: 'Secret-five-5' }));
    logger.info({ req: { url: `/graphql?query=mutation%20%7Blogin%7D&variables=${variables}&operationName=Login` } });
    expect(out.text()).not.toContain('Secret-five-5');
    expect(out.lines[0]!.req.url).toBe(`/graphql?query=${REDACTED}&variables=${REDACTED}&operationName=Login`);
    expect(redactUrl('/graphql')).toBe('/graphql');
    expect(redactUrl('/login?password=x&next=%2F')).toBe(`/login?password=${REDACTED}&next=%2F`);
  });

  it('takes its level from the options, then LOG_LEVEL, and is silent in tests by default', () => {
    expect(createLogger('test', capture().stream, { level: 'debug' }).level).toBe('debug');
    expect(createLogger('test', capture().stream).level).toBe(process.env.LOG_LEVEL ?? 'silent');
    expect(createLogger('test').level).toBe(process.env.LOG_LEVEL ?? 'silent');
  });
});
