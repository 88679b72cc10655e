// The orders subgraph's resolver map.
import { DateTime } from '@marketplace/service-kit';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { OrderConnection, User } from './history.ts';
import { statusChanges } from './status-changes.ts';
import { Order, OrderEvent, OrderItem, orderQueries } from './order.ts';
import { placeOrder } from './place-order.ts';

export const resolvers: Resolvers = {
  DateTime,
  Query: orderQueries,
  Mutation: { placeOrder, ...statusChanges },
  Order,
  OrderEvent,
  OrderItem,
  OrderConnection,
  User,
};
