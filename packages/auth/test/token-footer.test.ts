// Reading the key id from a token's footer, as signers write it and verifiers read it.
import { describe, expect, it } from 'vitest';
import { generatePaserkKeyPair, importSigningKey, signServiceToken } from '../src/index.ts';
import { footerKeyId, footerOf } from '../src/token-footer.ts';

const withFooter = (token: string, footer: string) => `${token.split('.').slice(0, 3).join('.')}.${Buffer.from(footer).toString('base64url')}`;

describe('the token footer', () => {
  it('names the key that signed the token', async () => {
    const signer = await importSigningKey((await generatePaserkKeyPair()).secretKey);
    const { token } = await signServiceToken(signer, 'orders');
    expect(footerKeyId(token)).toEqual({ kid: signer.kid });
    expect(new TextDecoder().decode(footerOf(signer.kid))).toBe(JSON.stringify({ kid: signer.kid }));
  });

  it('says why a token names no key', async () => {
    const signer = await importSigningKey((await generatePaserkKeyPair()).secretKey);
    const { token } = await signServiceToken(signer, 'orders');
    expect(footerKeyId('garbage')).toEqual({ refusal: 'the token is malformed or names no key' });
    expect(footerKeyId(withFooter(token, 'not json'))).toEqual({ refusal: 'the token is malformed or names no key' });
    for (const footer of ['{}', 'null', '{"kid":5}', '[1]']) {
      expect(footerKeyId(withFooter(token, footer))).toEqual({ refusal: 'the token names no key' });
    }
  });
});
