/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
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

export type ProductDetailQueryVariables = Exact<{
  id: string | number;
}>;


export type ProductDetailQuery = { product: { id: string, title: string, stock: number, price: { amount: number, currency: string } } | null };

export type PlaceOrderMutationVariables = Exact<{
  input: PlaceOrderInput;
}>;


export type PlaceOrderMutation = { placeOrder: { id: string, status: OrderStatus, paymentDueAt: string | null, total: { amount: number, currency: string } } };

export type PayOrderMutationVariables = Exact<{
  id: string | number;
}>;


export type PayOrderMutation = { payOrder: { id: string, status: OrderStatus } };

export type OrderHistoryQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type OrderHistoryQuery = { me: { id: string, orders: { totalCount: number, edges: Array<{ node: { id: string, status: OrderStatus, trackingNumber: string | null, total: { amount: number, currency: string }, events: Array<{ status: OrderStatus, at: string, note: string | null }> } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type SignInMutationVariables = Exact<{
  email: string;
  password: string;
}>;


export type SignInMutation = { login: { accessToken: string, expiresAt: string, refreshToken: string, refreshExpiresAt: string, user: { id: string, name: string } } };

export type RefreshMutationVariables = Exact<{
  refreshToken: string;
}>;


export type RefreshMutation = { refresh: { accessToken: string, expiresAt: string, refreshToken: string, refreshExpiresAt: string } };


export const ProductDetailDocument = {"__meta__":{"operationType":"query","hash":"sha256:7742eab4cc21c911b80270ef90be07bd3502a318d34b661029459ea7835b5e94"}} as unknown as DocumentNode<ProductDetailQuery, ProductDetailQueryVariables>;
export const PlaceOrderDocument = {"__meta__":{"operationType":"mutation","hash":"sha256:0265066aefd7a82eb3116f7802def2bf07d42ed8244e9bc20862d730b032de25"}} as unknown as DocumentNode<PlaceOrderMutation, PlaceOrderMutationVariables>;
export const PayOrderDocument = {"__meta__":{"operationType":"mutation","hash":"sha256:f2d009afa27a91e6781223407bf29a3411ac029cfa66dec913234078ff929ab9"}} as unknown as DocumentNode<PayOrderMutation, PayOrderMutationVariables>;
export const OrderHistoryDocument = {"__meta__":{"operationType":"query","hash":"sha256:bf2836fe8108b2df20fcbff8922f8b4257844443e991ebc9181332c8ce148938"}} as unknown as DocumentNode<OrderHistoryQuery, OrderHistoryQueryVariables>;
export const SignInDocument = {"__meta__":{"operationType":"mutation","hash":"sha256:8b82af4b1a374dfa1d1e9e3992f31fb952a9b14c30653f900948745d13011534"}} as unknown as DocumentNode<SignInMutation, SignInMutationVariables>;
export const RefreshDocument = {"__meta__":{"operationType":"mutation","hash":"sha256:01d611f497a007216c93ead9cf204512e6c88c77f2bb2829a6895e9d8cf22ce2"}} as unknown as DocumentNode<RefreshMutation, RefreshMutationVariables>;