/* eslint-disable */
import * as types from './graphql.ts';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query ProductDetail($id: ID!) {\n  product(id: $id) {\n    id\n    title\n    price {\n      amount\n      currency\n    }\n    stock\n  }\n}": typeof types.ProductDetailDocument,
    "mutation PlaceOrder($input: PlaceOrderInput!) {\n  placeOrder(input: $input) {\n    id\n    status\n    paymentDueAt\n    total {\n      amount\n      currency\n    }\n  }\n}\n\nmutation PayOrder($id: ID!) {\n  payOrder(id: $id) {\n    id\n    status\n  }\n}\n\nquery OrderHistory($first: Int, $after: String) {\n  me {\n    id\n    orders(first: $first, after: $after) {\n      totalCount\n      edges {\n        node {\n          id\n          status\n          trackingNumber\n          total {\n            amount\n            currency\n          }\n          events {\n            status\n            at\n            note\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}": typeof types.PlaceOrderDocument,
    "mutation SignIn($email: String!, $password: String!) {\n  login(email: $email, password: $password) {\n    accessToken\n    expiresAt\n    refreshToken\n    refreshExpiresAt\n    user {\n      id\n      name\n    }\n  }\n}\n\nmutation Refresh($refreshToken: String!) {\n  refresh(refreshToken: $refreshToken) {\n    accessToken\n    expiresAt\n    refreshToken\n    refreshExpiresAt\n  }\n}": typeof types.SignInDocument,
};
const documents: Documents = {
    "query ProductDetail($id: ID!) {\n  product(id: $id) {\n    id\n    title\n    price {\n      amount\n      currency\n    }\n    stock\n  }\n}": types.ProductDetailDocument,
    "mutation PlaceOrder($input: PlaceOrderInput!) {\n  placeOrder(input: $input) {\n    id\n    status\n    paymentDueAt\n    total {\n      amount\n      currency\n    }\n  }\n}\n\nmutation PayOrder($id: ID!) {\n  payOrder(id: $id) {\n    id\n    status\n  }\n}\n\nquery OrderHistory($first: Int, $after: String) {\n  me {\n    id\n    orders(first: $first, after: $after) {\n      totalCount\n      edges {\n        node {\n          id\n          status\n          trackingNumber\n          total {\n            amount\n            currency\n          }\n          events {\n            status\n            at\n            note\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}": types.PlaceOrderDocument,
    "mutation SignIn($email: String!, $password: String!) {\n  login(email: $email, password: $password) {\n    accessToken\n    expiresAt\n    refreshToken\n    refreshExpiresAt\n    user {\n      id\n      name\n    }\n  }\n}\n\nmutation Refresh($refreshToken: String!) {\n  refresh(refreshToken: $refreshToken) {\n    accessToken\n    expiresAt\n    refreshToken\n    refreshExpiresAt\n  }\n}": types.SignInDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ProductDetail($id: ID!) {\n  product(id: $id) {\n    id\n    title\n    price {\n      amount\n      currency\n    }\n    stock\n  }\n}"): (typeof documents)["query ProductDetail($id: ID!) {\n  product(id: $id) {\n    id\n    title\n    price {\n      amount\n      currency\n    }\n    stock\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation PlaceOrder($input: PlaceOrderInput!) {\n  placeOrder(input: $input) {\n    id\n    status\n    paymentDueAt\n    total {\n      amount\n      currency\n    }\n  }\n}\n\nmutation PayOrder($id: ID!) {\n  payOrder(id: $id) {\n    id\n    status\n  }\n}\n\nquery OrderHistory($first: Int, $after: String) {\n  me {\n    id\n    orders(first: $first, after: $after) {\n      totalCount\n      edges {\n        node {\n          id\n          status\n          trackingNumber\n          total {\n            amount\n            currency\n          }\n          events {\n            status\n            at\n            note\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}"): (typeof documents)["mutation PlaceOrder($input: PlaceOrderInput!) {\n  placeOrder(input: $input) {\n    id\n    status\n    paymentDueAt\n    total {\n      amount\n      currency\n    }\n  }\n}\n\nmutation PayOrder($id: ID!) {\n  payOrder(id: $id) {\n    id\n    status\n  }\n}\n\nquery OrderHistory($first: Int, $after: String) {\n  me {\n    id\n    orders(first: $first, after: $after) {\n      totalCount\n      edges {\n        node {\n          id\n          status\n          trackingNumber\n          total {\n            amount\n            currency\n          }\n          events {\n            status\n            at\n            note\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SignIn($email: String!, $password: String!) {\n  login(email: $email, password: $password) {\n    accessToken\n    expiresAt\n    refreshToken\n    refreshExpiresAt\n    user {\n      id\n      name\n    }\n  }\n}\n\nmutation Refresh($refreshToken: String!) {\n  refresh(refreshToken: $refreshToken) {\n    accessToken\n    expiresAt\n    refreshToken\n    refreshExpiresAt\n  }\n}"): (typeof documents)["mutation SignIn($email: String!, $password: String!) {\n  login(email: $email, password: $password) {\n    accessToken\n    expiresAt\n    refreshToken\n    refreshExpiresAt\n    user {\n      id\n      name\n    }\n  }\n}\n\nmutation Refresh($refreshToken: String!) {\n  refresh(refreshToken: $refreshToken) {\n    accessToken\n    expiresAt\n    refreshToken\n    refreshExpiresAt\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;