// The shape measures behind MAX_DEPTH, MAX_ALIASES, MAX_ROOT_FIELDS and MAX_DIRECTIVES.
import { getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { measureOperation } from '../src/plugins/operation-shape.ts';

const shapeOf = (source: string, name?: string) => {
  const document = parse(source);
  return measureOperation(document, getOperationAST(document, name)!);
};

describe('measureOperation', () => {
  it('counts depth as nested fields, leaves included', () => {
    expect(shapeOf('{ a }').depth).toBe(1);
    expect(shapeOf('{ a { b { c } } d }').depth).toBe(3);
  });

  it('counts fragments where they are spread, inline ones too', () => {
    const shape = shapeOf(`{ a { ...F } x: b { ... on T { c { d } } } }
      fragment F on T { e: f { g @include(if: true) } }`);
    expect(shape).toEqual({ depth: 3, aliases: 2, rootFields: 2, directives: 1 });
  });

  it('counts a fragment every time it is spread, in linear time however often that is', () => {
    // Each level spreads the one below twice: 2^20 spreads of the last fragment.
    const levels = Array.from({ length: 20 }, (_, i) => `fragment F${i} on T { a${i}: f { ...F${i + 1} } b${i}: f { ...F${i + 1} } }`);
    const source = `{ ...F0 } ${levels.join(' ')} fragment F20 on T { z: id }`;
    const started = performance.now();
    const shape = shapeOf(source);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(shape.aliases).toBe(2 ** 21 - 2 + 2 ** 20);
    expect(shape.depth).toBe(21);
    expect(shape.rootFields).toBe(2);
  });

  it('counts root fields through fragments and aliases, but not introspection', () => {
    expect(shapeOf('{ a b c: a ...R } fragment R on Query { d e }').rootFields).toBe(5);
    expect(shapeOf('{ __schema { types { name fields { name type { ofType { ofType { name } } } } } } __typename }')).toEqual({
      depth: 1,
      aliases: 0,
      rootFields: 1,
      directives: 0,
    });
  });

  it('counts the directives of the operation, fields, spreads and fragments', () => {
    expect(shapeOf('query Q @a { x @b ...F @c ... @d { y } } fragment F on Query @e { z @f }').directives).toBe(6);
  });

  it('survives a fragment cycle (validation refuses it) without looping', () => {
    expect(shapeOf('{ ...A } fragment A on Query { a { ...B } } fragment B on T { b { ...A } }').depth).toBe(2);
  });

  it('measures the named operation only', () => {
    const source = 'query Small { a } query Deep { a { b { c { d } } } }';
    expect(shapeOf(source, 'Small').depth).toBe(1);
    expect(shapeOf(source, 'Deep').depth).toBe(4);
  });
});
