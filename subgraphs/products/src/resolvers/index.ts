// The products subgraph's resolver map.
import { DateTime } from '@marketplace/service-kit';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { catalogQueries, ProductConnection } from './catalog.ts';
import { Category, categoryMutations } from './category.ts';
import { listingMutations } from './listing.ts';
import { Product, User } from './product.ts';
import { ReservedItem, StockReservation, stockMutations } from './stock.ts';

export const resolvers: Resolvers = {
  DateTime,
  Query: catalogQueries,
  Mutation: { ...listingMutations, ...categoryMutations, ...stockMutations },
  Product,
  ProductConnection,
  Category,
  User,
  StockReservation,
  ReservedItem,
};
