// Which origins CORS_ORIGINS entries match.
import { describe, expect, it } from 'vitest';
import { corsOrigins } from '../src/config.ts';
import { originMatcher } from '../src/plugins/cors.ts';

describe('originMatcher', () => {
  const allowed = originMatcher(['https://shop.example.com', 'http://localhost:*', 'https://*.example.org']);

  it('matches exact origins, any port for :*, any subdomain for *.', () => {
    expect(allowed('https://shop.example.com')).toBe(true);
    expect(allowed('HTTPS://SHOP.EXAMPLE.COM')).toBe(true);
    expect(allowed('http://localhost:5173')).toBe(true);
    expect(allowed('http://localhost')).toBe(true);
    expect(allowed('https://a.b.example.org')).toBe(true);
  });

  it('matches nothing else', () => {
    for (const origin of ['http://shop.example.com', 'https://shop.example.com:8443', 'https://shop.example.com.evil.net', 'https://evilshop.example.com', 'http://localhost.evil.net:80', 'https://example.org', 'https://x.example.org.evil', 'null']) {
      expect(allowed(origin), origin).toBe(false);
    }
  });
});

describe('corsOrigins', () => {
  it('defaults to local frontends in development and to none in production', () => {
    expect(corsOrigins({}, false)).toEqual(['http://localhost:*', 'http://127.0.0.1:*']);
    expect(corsOrigins({}, true)).toEqual([]);
    expect(corsOrigins({ CORS_ORIGINS: ' https://a.example.com , https://b.example.com' }, true)).toEqual(['https://a.example.com', 'https://b.example.com']);
  });

  it('refuses what is not an origin', () => {
    expect(() => corsOrigins({ CORS_ORIGINS: 'https://a.example.com/path' }, true)).toThrow(/CORS_ORIGINS/);
    expect(() => corsOrigins({ CORS_ORIGINS: '*' }, true)).toThrow(/CORS_ORIGINS/);
  });
});
