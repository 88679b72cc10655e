// The products subgraph's resolver map.
import { DateTime } from '@marketplace/service-kit';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { catalogMutations, catalogQueries } from './catalog.ts';
import { Product, User } from './product.ts';
import { ReservedItem, StockReservation, stockMutations } from './stock.ts';

export const resolvers: Resolvers = {
  DateTime,
  Query: catalogQueries,
  Mutation: { ...catalogMutations, ...stockMutations },
  Product,
  User,
  StockReservation,
  ReservedItem,
};
