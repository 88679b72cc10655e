import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { badUserInput, maskError } from '../src/errors.ts';

describe('maskError', () => {
  it('lets coded errors through without stack traces', () => {
    const reported: unknown[] = [];
    const error = badUserInput('title must not be blank', 'title');
    const formatted = maskError({ ...error.toJSON(), extensions: { ...error.extensions, stacktrace: ['at x'] } }, error, (e) => reported.push(e));
    expect(formatted).toEqual({ message: 'title must not be blank', extensions: { code: 'BAD_USER_INPUT', field: 'title' } });
    expect(reported).toEqual([]);
  });

  it('replaces anything else with a generic error and reports the original', () => {
    const reported: unknown[] = [];
    const driver = new Error('E11000 duplicate key error collection: users.users');
    const formatted = maskError(
      { message: driver.message, path: ['register'], extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at Collection.insertOne'] } },
      new GraphQLError(driver.message, { originalError: driver }),
      (e) => reported.push(e),
    );
    expect(formatted).toEqual({ message: 'Internal server error', path: ['register'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(reported).toHaveLength(1);
  });
});
