// The orders subgraph's resolver map.
import { DateTime } from '@marketplace/service-kit';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { Order, OrderItem, orderQueries, User } from './order.ts';
import { placeOrder } from './place-order.ts';

export const resolvers: Resolvers = {
  DateTime,
  Query: orderQueries,
  Mutation: { placeOrder },
  Order,
  OrderItem,
  User,
};
