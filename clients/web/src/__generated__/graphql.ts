/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type AttributeFilter = {
  name: string;
  value: string;
};

export type CreateProductInput = {
  attributes?: Array<ProductAttributeInput> | null | undefined;
  categoryId?: string | number | null | undefined;
  description: string;
  images?: Array<string> | null | undefined;
  price: MoneyInput;
  stock: number;
  title: string;
};

export type FulfillmentStatus =
  /** Not sent: the stock went back, and a payment for it is refunded. */
  | 'CANCELLED'
  | 'DELIVERED'
  /** To be sent (or the order still to be paid). */
  | 'PENDING'
  | 'SHIPPED';

export type MoneyInput = {
  amount: number;
  currency: string;
};

export type OrderItemInput = {
  productId: string | number;
  quantity: number;
};

export type OrderStatus =
  | 'CANCELLED'
  | 'DELIVERED'
  | 'PAID'
  /** Paid, and some of its fulfilments are shipped or delivered while others are still to be sent. */
  | 'PARTIALLY_SHIPPED'
  | 'PENDING'
  | 'SHIPPED';

export type PlaceOrderInput = {
  /**
   * Makes retries safe: the same buyer sending the same key again gets the first order back and no
   * more stock is reserved; the same key with other items is a CONFLICT. At most 200 characters.
   */
  idempotencyKey?: string | null | undefined;
  items: Array<OrderItemInput>;
};

export type ProductAttributeInput = {
  name: string;
  value: string;
};

export type ProductFilter = {
  /** Every attribute must match (names and values ignore case). */
  attributes?: Array<AttributeFilter> | null | undefined;
  /** The category and all its descendants. */
  categoryId?: string | number | null | undefined;
  currency?: string | null | undefined;
  inStock?: boolean | null | undefined;
  /** Maximum price amount in minor units, inclusive. */
  maxPrice?: number | null | undefined;
  /** Minimum price amount in minor units, inclusive. */
  minPrice?: number | null | undefined;
  /** Words of the title, description and attribute values; every word must match, ignoring case and accents. */
  search?: string | null | undefined;
  sellerId?: string | number | null | undefined;
};

export type ProductSort =
  | 'NEWEST'
  | 'PRICE_ASC'
  | 'PRICE_DESC'
  | 'TITLE';

export type ProductStatus =
  /** Listed and orderable. */
  | 'ACTIVE'
  /** Withdrawn by its seller or an ADMIN: hidden from the catalog, still readable by id (old orders point at it). */
  | 'ARCHIVED';

export type RegisterInput = {
  email: string;
  name: string;
  /** At least 10 characters, with letters and digits or symbols. */
  password: string;
  /** BUYER by default; SELLER is allowed; ADMIN is refused. */
  role?: Role | null | undefined;
};

export type Role =
  | 'ADMIN'
  | 'BUYER'
  | 'SELLER';

/** Only the fields given change. */
export type UpdateProductInput = {
  attributes?: Array<ProductAttributeInput> | null | undefined;
  categoryId?: string | number | null | undefined;
  description?: string | null | undefined;
  images?: Array<string> | null | undefined;
  price?: MoneyInput | null | undefined;
  title?: string | null | undefined;
};

export type SessionFragment = { accessToken: string, expiresAt: string, refreshToken: string, refreshExpiresAt: string, user: { id: string, name: string, roles: Array<Role> } };

export type ViewerFragment = { id: string, name: string, roles: Array<Role> };

export type StorefrontSignInMutationVariables = Exact<{
  email: string;
  password: string;
}>;


export type StorefrontSignInMutation = { login: { accessToken: string, expiresAt: string, refreshToken: string, refreshExpiresAt: string, user: { id: string, name: string, roles: Array<Role> } } };

export type StorefrontRegisterMutationVariables = Exact<{
  input: RegisterInput;
}>;


export type StorefrontRegisterMutation = { register: { accessToken: string, expiresAt: string, refreshToken: string, refreshExpiresAt: string, user: { id: string, name: string, roles: Array<Role> } } };

export type StorefrontRefreshMutationVariables = Exact<{
  refreshToken: string;
}>;


export type StorefrontRefreshMutation = { refresh: { accessToken: string, expiresAt: string, refreshToken: string, refreshExpiresAt: string, user: { id: string, name: string, roles: Array<Role> } } };

export type StorefrontSignOutMutationVariables = Exact<{
  refreshToken: string;
}>;


export type StorefrontSignOutMutation = { logout: boolean };

export type StorefrontViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type StorefrontViewerQuery = { me: { email: string, id: string, name: string, roles: Array<Role> } | null };

export type ProductCardFragment = { id: string, title: string, stock: number, images: Array<string>, status: ProductStatus, price: { amount: number, currency: string }, seller: { id: string, name: string }, category: { id: string, name: string } | null };

export type StorefrontCatalogQueryVariables = Exact<{
  filter?: ProductFilter | null | undefined;
  sort?: ProductSort | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type StorefrontCatalogQuery = { products: { totalCount: number, edges: Array<{ cursor: string, node: { id: string, title: string, stock: number, images: Array<string>, status: ProductStatus, price: { amount: number, currency: string }, seller: { id: string, name: string }, category: { id: string, name: string } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type StorefrontCategoriesQueryVariables = Exact<{ [key: string]: never; }>;


export type StorefrontCategoriesQuery = { categories: Array<{ id: string, name: string, slug: string, children: Array<{ id: string, name: string, slug: string }> }> };

export type StorefrontProductQueryVariables = Exact<{
  id: string | number;
}>;


export type StorefrontProductQuery = { product: { description: string, createdAt: string, id: string, title: string, stock: number, images: Array<string>, status: ProductStatus, attributes: Array<{ name: string, value: string }>, price: { amount: number, currency: string }, seller: { id: string, name: string }, category: { id: string, name: string } | null } | null };

export type OrderSummaryFragment = { id: string, status: OrderStatus, createdAt: string, paymentDueAt: string | null, trackingNumber: string | null, total: { amount: number, currency: string }, items: Array<{ title: string, quantity: number, unitPrice: { amount: number, currency: string }, lineTotal: { amount: number, currency: string }, product: { id: string } }> };

export type OrderTimelineFragment = { events: Array<{ status: OrderStatus, at: string, note: string | null, actor: { id: string, name: string } | null }> };

export type StorefrontPlaceOrderMutationVariables = Exact<{
  input: PlaceOrderInput;
}>;


export type StorefrontPlaceOrderMutation = { placeOrder: { id: string, status: OrderStatus, createdAt: string, paymentDueAt: string | null, trackingNumber: string | null, total: { amount: number, currency: string }, items: Array<{ title: string, quantity: number, unitPrice: { amount: number, currency: string }, lineTotal: { amount: number, currency: string }, product: { id: string } }> } };

export type StorefrontPayOrderMutationVariables = Exact<{
  id: string | number;
}>;


export type StorefrontPayOrderMutation = { payOrder: { id: string, status: OrderStatus, createdAt: string, paymentDueAt: string | null, trackingNumber: string | null, total: { amount: number, currency: string }, items: Array<{ title: string, quantity: number, unitPrice: { amount: number, currency: string }, lineTotal: { amount: number, currency: string }, product: { id: string } }> } };

export type StorefrontCancelOrderMutationVariables = Exact<{
  id: string | number;
  reason?: string | null | undefined;
}>;


export type StorefrontCancelOrderMutation = { cancelOrder: { id: string, status: OrderStatus, createdAt: string, paymentDueAt: string | null, trackingNumber: string | null, total: { amount: number, currency: string }, items: Array<{ title: string, quantity: number, unitPrice: { amount: number, currency: string }, lineTotal: { amount: number, currency: string }, product: { id: string } }>, events: Array<{ status: OrderStatus, at: string, note: string | null, actor: { id: string, name: string } | null }> } };

export type StorefrontOrderHistoryQueryVariables = Exact<{
  status?: OrderStatus | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type StorefrontOrderHistoryQuery = { me: { id: string, orders: { totalCount: number, edges: Array<{ node: { id: string, status: OrderStatus, createdAt: string, paymentDueAt: string | null, trackingNumber: string | null, total: { amount: number, currency: string }, items: Array<{ title: string, quantity: number, unitPrice: { amount: number, currency: string }, lineTotal: { amount: number, currency: string }, product: { id: string } }> } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type StorefrontOrderQueryVariables = Exact<{
  id: string | number;
}>;


export type StorefrontOrderQuery = { order: { id: string, status: OrderStatus, createdAt: string, paymentDueAt: string | null, trackingNumber: string | null, buyer: { id: string, name: string }, total: { amount: number, currency: string }, items: Array<{ title: string, quantity: number, unitPrice: { amount: number, currency: string }, lineTotal: { amount: number, currency: string }, product: { id: string } }>, events: Array<{ status: OrderStatus, at: string, note: string | null, actor: { id: string, name: string } | null }> } | null };

export type ListingFragment = { description: string, createdAt: string, updatedAt: string, id: string, title: string, stock: number, images: Array<string>, status: ProductStatus, price: { amount: number, currency: string }, seller: { id: string, name: string }, category: { id: string, name: string } | null };

export type StorefrontListingsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type StorefrontListingsQuery = { me: { id: string, products: { totalCount: number, edges: Array<{ node: { description: string, createdAt: string, updatedAt: string, id: string, title: string, stock: number, images: Array<string>, status: ProductStatus, price: { amount: number, currency: string }, seller: { id: string, name: string }, category: { id: string, name: string } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type StorefrontCreateProductMutationVariables = Exact<{
  input: CreateProductInput;
}>;


export type StorefrontCreateProductMutation = { createProduct: { description: string, createdAt: string, updatedAt: string, id: string, title: string, stock: number, images: Array<string>, status: ProductStatus, price: { amount: number, currency: string }, seller: { id: string, name: string }, category: { id: string, name: string } | null } };

export type StorefrontUpdateProductMutationVariables = Exact<{
  id: string | number;
  input: UpdateProductInput;
}>;


export type StorefrontUpdateProductMutation = { updateProduct: { description: string, createdAt: string, updatedAt: string, id: string, title: string, stock: number, images: Array<string>, status: ProductStatus, price: { amount: number, currency: string }, seller: { id: string, name: string }, category: { id: string, name: string } | null } };

export type StorefrontAdjustStockMutationVariables = Exact<{
  id: string | number;
  delta: number;
}>;


export type StorefrontAdjustStockMutation = { adjustStock: { id: string, stock: number, updatedAt: string } };

export type StorefrontArchiveProductMutationVariables = Exact<{
  id: string | number;
}>;


export type StorefrontArchiveProductMutation = { archiveProduct: { id: string, status: ProductStatus, updatedAt: string } };

export type StorefrontFulfillmentsQueryVariables = Exact<{
  status?: FulfillmentStatus | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type StorefrontFulfillmentsQuery = { me: { id: string, fulfillments: { totalCount: number, edges: Array<{ node: { id: string, status: FulfillmentStatus, trackingNumber: string | null, subtotal: { amount: number, currency: string }, items: Array<{ title: string, quantity: number, product: { id: string } }>, order: { id: string, status: OrderStatus, createdAt: string, buyer: { id: string, name: string } } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type SellerFulfillmentFragment = { id: string, status: FulfillmentStatus, trackingNumber: string | null, subtotal: { amount: number, currency: string }, items: Array<{ title: string, quantity: number, product: { id: string } }>, order: { id: string, status: OrderStatus, createdAt: string, buyer: { id: string, name: string } } };

export type StorefrontShipFulfillmentMutationVariables = Exact<{
  id: string | number;
  trackingNumber: string;
}>;


export type StorefrontShipFulfillmentMutation = { shipFulfillment: { id: string, status: FulfillmentStatus, trackingNumber: string | null, subtotal: { amount: number, currency: string }, items: Array<{ title: string, quantity: number, product: { id: string } }>, order: { id: string, status: OrderStatus, createdAt: string, buyer: { id: string, name: string } } } };

export type StorefrontDeliverFulfillmentMutationVariables = Exact<{
  id: string | number;
}>;


export type StorefrontDeliverFulfillmentMutation = { deliverFulfillment: { id: string, status: FulfillmentStatus, trackingNumber: string | null, subtotal: { amount: number, currency: string }, items: Array<{ title: string, quantity: number, product: { id: string } }>, order: { id: string, status: OrderStatus, createdAt: string, buyer: { id: string, name: string } } } };

export type StorefrontCancelFulfillmentMutationVariables = Exact<{
  id: string | number;
  reason?: string | null | undefined;
}>;


export type StorefrontCancelFulfillmentMutation = { cancelFulfillment: { id: string, status: FulfillmentStatus, trackingNumber: string | null, subtotal: { amount: number, currency: string }, items: Array<{ title: string, quantity: number, product: { id: string } }>, order: { id: string, status: OrderStatus, createdAt: string, buyer: { id: string, name: string } } } };

export const ViewerFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"Viewer"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"roles"}}]}}]} as unknown as DocumentNode<ViewerFragment, unknown>;
export const SessionFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"Session"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AuthPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessToken"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"refreshToken"}},{"kind":"Field","name":{"kind":"Name","value":"refreshExpiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"Viewer"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"Viewer"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"roles"}}]}}]} as unknown as DocumentNode<SessionFragment, unknown>;
export const OrderSummaryFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"OrderSummary"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Order"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"paymentDueAt"}},{"kind":"Field","name":{"kind":"Name","value":"trackingNumber"}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"quantity"}},{"kind":"Field","name":{"kind":"Name","value":"unitPrice"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lineTotal"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"product"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]} as unknown as DocumentNode<OrderSummaryFragment, unknown>;
export const OrderTimelineFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"OrderTimeline"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Order"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"events"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"note"}},{"kind":"Field","name":{"kind":"Name","value":"actor"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<OrderTimelineFragment, unknown>;
export const ProductCardFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ProductCard"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Product"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"price"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"stock"}},{"kind":"Field","name":{"kind":"Name","value":"images"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"seller"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"category"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<ProductCardFragment, unknown>;
export const ListingFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"Listing"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Product"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ProductCard"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ProductCard"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Product"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"price"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"stock"}},{"kind":"Field","name":{"kind":"Name","value":"images"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"seller"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"category"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<ListingFragment, unknown>;
export const SellerFulfillmentFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SellerFulfillment"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Fulfillment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"trackingNumber"}},{"kind":"Field","name":{"kind":"Name","value":"subtotal"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"quantity"}},{"kind":"Field","name":{"kind":"Name","value":"product"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"order"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"buyer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<SellerFulfillmentFragment, unknown>;
export const StorefrontSignInDocument = {"__meta__":{"operationType":"mutation","hash":"sha256:dea47985779e52824676ce94a0ccbdc79b8e78a9e0ff9cb1d2a7a86cbe87dc23"}} as unknown as DocumentNode<StorefrontSignInMutation, StorefrontSignInMutationVariables>;
export const StorefrontRegisterDocument = {"__meta__":{"operationType":"mutation","hash":"sha256:2604d40cb506a4f4b3b8635dc5b0636a796bf465bbaa04ce7b1ef1c0e503b52b"}} as unknown as DocumentNode<StorefrontRegisterMutation, StorefrontRegisterMutationVariables>;
export const StorefrontRefreshDocument = {"__meta__":{"operationType":"mutation","hash":"sha256:7a49e0206903ac2bf7a52e4a1bf7ba8fd460a4fa73bad70043bbf0681a76135e"}} as unknown as DocumentNode<StorefrontRefreshMutation, StorefrontRefreshMutationVariables>;
export const StorefrontSignOutDocument = {"__meta__":{"operationType":"mutation","hash":"sha256:c43c64e0a10b601d9e136e3f8e242d3569111faee35d7800c4319447e6a85a30"}} as unknown as DocumentNode<StorefrontSignOutMutation, StorefrontSignOutMutationVariables>;
export const StorefrontViewerDocument = {"__meta__":{"operationType":"query","hash":"sha256:9562656404afa160bfd144f336e886d24dece17888079f2554d6751f29a5076d"}} as unknown as DocumentNode<StorefrontViewerQuery, StorefrontViewerQueryVariables>;
export const StorefrontCatalogDocument = {"__meta__":{"operationType":"query","hash":"sha256:4ff839a72905dc506fbd2e8fd9819b44770d3055008b5934111801842ab8839d"}} as unknown as DocumentNode<StorefrontCatalogQuery, StorefrontCatalogQueryVariables>;
export const StorefrontCategoriesDocument = {"__meta__":{"operationType":"query","hash":"sha256:9d13088289d07a28107b98052ed1609402171735b31e3f97d23539ba81442cad"}} as unknown as DocumentNode<StorefrontCategoriesQuery, StorefrontCategoriesQueryVariables>;
export const StorefrontProductDocument = {"__meta__":{"operationType":"query","hash":"sha256:8d70778afca95a6401b313ef4cab3170234d5a2ece67f7e14f759dc29df54ee5"}} as unknown as DocumentNode<StorefrontProductQuery, StorefrontProductQueryVariables>;
export const StorefrontPlaceOrderDocument = {"__meta__":{"operationType":"mutation","hash":"sha256:b1f86221934656bc989ce5b29b22c5a0afad2ddc799ae1cea38498978a7cdac1"}} as unknown as DocumentNode<StorefrontPlaceOrderMutation, StorefrontPlaceOrderMutationVariables>;
export const StorefrontPayOrderDocument = {"__meta__":{"operationType":"mutation","hash":"sha256:e4f9736d33ff16bf16a35f2b97c5865e4f6b18085f7d847457305370f1acd1f2"}} as unknown as DocumentNode<StorefrontPayOrderMutation, StorefrontPayOrderMutationVariables>;
export const StorefrontCancelOrderDocument = {"__meta__":{"operationType":"mutation","hash":"sha256:bbb78cf22cd0929187493dc6aaa9e9f4dc1f9052706cb95e5836d82169aad276"}} as unknown as DocumentNode<StorefrontCancelOrderMutation, StorefrontCancelOrderMutationVariables>;
export const StorefrontOrderHistoryDocument = {"__meta__":{"operationType":"query","hash":"sha256:5c0113187123263bcc3691d180fcbf96fc1b4b73f55d4a9b572e7ad8472bce1d"}} as unknown as DocumentNode<StorefrontOrderHistoryQuery, StorefrontOrderHistoryQueryVariables>;
export const StorefrontOrderDocument = {"__meta__":{"operationType":"query","hash":"sha256:e1f991f20563eae1f2e14314d4830070ed08b8b1f5e39c502f5ff84c96224bc5"}} as unknown as DocumentNode<StorefrontOrderQuery, StorefrontOrderQueryVariables>;
export const StorefrontListingsDocument = {"__meta__":{"operationType":"query","hash":"sha256:e46570ab88139d487c6081695b31c0c552204c3b49de4ba46ab90e8831466450"}} as unknown as DocumentNode<StorefrontListingsQuery, StorefrontListingsQueryVariables>;
export const StorefrontCreateProductDocument = {"__meta__":{"operationType":"mutation","hash":"sha256:121dd0cb4925dbad4bb11268f68a4992468e34a444c8d5912d4657a6062203d5"}} as unknown as DocumentNode<StorefrontCreateProductMutation, StorefrontCreateProductMutationVariables>;
export const StorefrontUpdateProductDocument = {"__meta__":{"operationType":"mutation","hash":"sha256:2224042a2cca01c722df19cb1cb07f1fe32afcf1428890cd0754122e683dc2f1"}} as unknown as DocumentNode<StorefrontUpdateProductMutation, StorefrontUpdateProductMutationVariables>;
export const StorefrontAdjustStockDocument = {"__meta__":{"operationType":"mutation","hash":"sha256:f899a6e823b380e9790c570bbbf09d4f3d37096fc657466bbca5259ae9115554"}} as unknown as DocumentNode<StorefrontAdjustStockMutation, StorefrontAdjustStockMutationVariables>;
export const StorefrontArchiveProductDocument = {"__meta__":{"operationType":"mutation","hash":"sha256:a0b04c737a9bb0ca6f72a2ec1ebd602f739cd7d56f77a2bd87593ee37693b744"}} as unknown as DocumentNode<StorefrontArchiveProductMutation, StorefrontArchiveProductMutationVariables>;
export const StorefrontFulfillmentsDocument = {"__meta__":{"operationType":"query","hash":"sha256:f2454b73beefb221073da6fdb8db6bb3753afccbb9d3423026927ef953f90126"}} as unknown as DocumentNode<StorefrontFulfillmentsQuery, StorefrontFulfillmentsQueryVariables>;
export const StorefrontShipFulfillmentDocument = {"__meta__":{"operationType":"mutation","hash":"sha256:f0cade4cd8cf28ea41935cfcaa0566ae07e260ec749e0ba05b5157e91d2182cc"}} as unknown as DocumentNode<StorefrontShipFulfillmentMutation, StorefrontShipFulfillmentMutationVariables>;
export const StorefrontDeliverFulfillmentDocument = {"__meta__":{"operationType":"mutation","hash":"sha256:bd4190c9c50da948cac2dfb30e5e8c0ef031ef111a5183f7775a3ad8bba457de"}} as unknown as DocumentNode<StorefrontDeliverFulfillmentMutation, StorefrontDeliverFulfillmentMutationVariables>;
export const StorefrontCancelFulfillmentDocument = {"__meta__":{"operationType":"mutation","hash":"sha256:8ca8415f8d4cce8f795ba78b64ab0264b7fb22c9c27222af6309d5fc30ce5567"}} as unknown as DocumentNode<StorefrontCancelFulfillmentMutation, StorefrontCancelFulfillmentMutationVariables>;