// The orders subgraph's resolver map.
import { DateTime } from '@marketplace/service-kit';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { Fulfillment, FulfillmentConnection, FulfillmentEvent, fulfillmentMutations, fulfillmentQueries, fulfillmentQueue, orderRefunds } from './fulfillments.ts';
import { OrderConnection, User as UserHistories } from './history.ts';
import { statusChanges } from './status-changes.ts';
import { Order, OrderEvent, OrderItem, orderQueries } from './order.ts';
import { placeOrder } from './place-order.ts';

export const resolvers: Resolvers = {
  DateTime,
  Query: { ...orderQueries, ...fulfillmentQueries },
  Mutation: { placeOrder, ...statusChanges, ...fulfillmentMutations },
  Order: { ...Order, ...orderRefunds },
  OrderEvent,
  OrderItem,
  OrderConnection,
  Fulfillment,
  FulfillmentEvent,
  FulfillmentConnection,
  User: { ...UserHistories, ...fulfillmentQueue },
};
