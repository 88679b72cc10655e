// Money: an integer amount in minor units (cents) plus an ISO 4217 currency code, never a float.
export interface Money {
  amount: number;
  currency: string;
}

/** GraphQL's Int is 32-bit, so no amount a client reads may exceed it. */
export const MAX_AMOUNT = 2 ** 31 - 1;
