// Client-facing ids are MongoDB ObjectIds as hex strings; anything else is bad input.
import { ObjectId } from 'mongodb';
import { badUserInput } from './errors.ts';

export function parseId(value: string, field = 'id'): ObjectId {
  if (!ObjectId.isValid(value) || !/^[0-9a-f]{24}$/i.test(value)) {
    throw badUserInput(`${field} "${value}" is not a valid id`, field);
  }
  return new ObjectId(value);
}

/** Like parseId, for lookups where a malformed id simply matches nothing. */
export function tryParseId(value: string): ObjectId | null {
  return /^[0-9a-f]{24}$/i.test(value) ? new ObjectId(value) : null;
}
