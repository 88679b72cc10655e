import { buildASTSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { composeSupergraph } from '../src/supergraph.ts';

describe('composition', () => {
  it('composes the three subgraphs into one supergraph with their entities joined', () => {
    const sdl = composeSupergraph();
    expect(sdl).toMatch(/join__Graph[\s\S]*USERS[\s\S]*PRODUCTS[\s\S]*ORDERS/);
    const schema = buildASTSchema(parse(sdl), { assumeValidSDL: true });
    const user = schema.getType('User');
    expect(user && 'getFields' in user ? Object.keys(user.getFields()) : []).toEqual(
      expect.arrayContaining(['id', 'email', 'name', 'roles', 'createdAt', 'products', 'orders']),
    );
  });
});
