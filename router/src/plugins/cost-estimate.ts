// Estimates what an operation costs before it is planned: objects returned, times list sizes, plus resolver weights.
import {
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type GraphQLType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { COST, type CostModel, type FieldCostHint } from './cost-model.ts';

type Variables = Record<string, unknown> | undefined;

// The schema comes from the gateway, which may load another copy of graphql-js than this module
// (CommonJS beside ESM), so types are told apart by their shape, never by instanceof.
type Fields = Record<string, GraphQLField<unknown, unknown>>;
const fieldsOf = (type: GraphQLNamedType | undefined | null): Fields | undefined =>
  type && 'getFields' in type && !('parseValue' in type) ? (type.getFields() as Fields) : undefined;
const isComposite = (type: GraphQLNamedType | undefined | null): boolean => !!type && ('getFields' in type || 'getTypes' in type) && !('parseValue' in type);
const namedTypeOf = (type: GraphQLType): GraphQLNamedType => ('ofType' in type ? namedTypeOf(type.ofType) : type);
/** `[T]`, `[T]!`, `[T!]!`: a list once a non-null wrapper is taken off. */
const isListOf = (type: GraphQLType): boolean => String(type).replace(/!$/, '').startsWith('[');

/** Sizes that a connection's @listSize(sizedFields:) hands to its child lists, by field name. */
type SizedFields = ReadonlyMap<string, number> | undefined;

function sliceSize(hint: FieldCostHint, node: FieldNode, field: GraphQLField<unknown, unknown>, variables: Variables): number {
  const listSize = hint.listSize!;
  for (const name of listSize.slicingArguments) {
    const given = node.arguments?.find((arg) => arg.name.value === name);
    const value = given ? valueFromASTUntyped(given.value, variables) : field.args.find((arg) => arg.name === name)?.defaultValue;
    if (typeof value === 'number' && Number.isFinite(value)) return Math.min(Math.max(Math.floor(value), 0), COST.maxSlice);
  }
  return listSize.assumedSize ?? COST.defaultSlice;
}

function listSizeOf(hint: FieldCostHint | undefined, node: FieldNode, field: GraphQLField<unknown, unknown>, variables: Variables): number {
  if (hint?.listSize?.slicingArguments.length) return sliceSize(hint, node, field, variables);
  return hint?.listSize?.assumedSize ?? COST.assumedListSize;
}

export function estimateCost(
  schema: GraphQLSchema,
  model: CostModel,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables?: Record<string, unknown>,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  if (!root) return 0;
  // A fragment costs the same wherever it is spread in the same setting, so each is priced once.
  const priced = new Map<string, number>();
  const inProgress = new Set<string>();

  const fieldCost = (node: FieldNode, parent: GraphQLNamedType, sized: SizedFields): number => {
    const name = node.name.value;
    if (name.startsWith('__')) return 0;
    const field = fieldsOf(parent)?.[name];
    if (!field) return 0;
    const hint = model.fields.get(`${parent.name}.${name}`);
    const weight = (hint?.weight ?? 0) + (parent === root && operation.operation === 'mutation' ? COST.mutation : 0);
    const named = namedTypeOf(field.type);
    const typeCost = model.types.get(named.name) ?? (isComposite(named) ? COST.object : COST.leaf);
    const isList = isListOf(field.type);
    const size = sized?.get(name) ?? (isList ? listSizeOf(hint, node, field, variables) : 1);
    let childSized: SizedFields;
    if (hint?.listSize?.sizedFields.length) {
      const slice = sliceSize(hint, node, field, variables);
      childSized = new Map(hint.listSize.sizedFields.map((child) => [child, slice]));
    }
    const children = node.selectionSet && isComposite(named) ? selectionSetCost(node.selectionSet, named, childSized) : 0;
    return weight + size * (typeCost + children);
  };

  const conditionOf = (name: string | undefined, parent: GraphQLNamedType): GraphQLNamedType => {
    const type = name ? schema.getType(name) : undefined;
    return type && isComposite(type) ? type : parent;
  };

  const fragmentCost = (fragment: FragmentDefinitionNode, parent: GraphQLNamedType, sized: SizedFields): number => {
    const key = `${fragment.name.value}|${parent.name}|${sized ? [...sized].join(';') : ''}`;
    const known = priced.get(key);
    if (known !== undefined) return known;
    if (inProgress.has(key)) return 0;
    inProgress.add(key);
    const cost = selectionSetCost(fragment.selectionSet, conditionOf(fragment.typeCondition.name.value, parent), sized);
    inProgress.delete(key);
    priced.set(key, cost);
    return cost;
  };

  const selectionSetCost = (set: SelectionSetNode, parent: GraphQLNamedType, sized: SizedFields): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) total += fieldCost(selection, parent, sized);
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        total += selectionSetCost(selection.selectionSet, conditionOf(selection.typeCondition?.name.value, parent), sized);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment) total += fragmentCost(fragment, parent, sized);
      }
    }
    return total;
  };

  return selectionSetCost(operation.selectionSet, root, undefined);
}
