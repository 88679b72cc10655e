// The cost model of the supergraph: the @cost and @listSize hints its subgraphs declare, per field.
import { Kind, parse, valueFromASTUntyped, type ConstDirectiveNode } from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@marketplace/service-kit';

export interface ListSizeHint {
  assumedSize?: number;
  slicingArguments: string[];
  sizedFields: string[];
}

export interface FieldCostHint {
  /** What the field's resolver costs beyond the objects it returns (@cost(weight:)). */
  weight?: number;
  listSize?: ListSizeHint;
}

export interface CostModel {
  /** Hints by "Type.field". */
  fields: Map<string, FieldCostHint>;
  /** A type's own @cost(weight:), replacing the default of 1 per object and 0 per scalar or enum. */
  types: Map<string, number>;
}

/** The model's constants: one place for what the README's cost section explains. */
export const COST = {
  /** Every object (or interface, union) a response holds. */
  object: 1,
  /** Scalars and enums come with their object. */
  leaf: 0,
  /** Each root mutation field, on top of its @cost weight: a write is never cheap. */
  mutation: 10,
  /** A list with no @listSize hint. */
  assumedListSize: 10,
  /** A slicing argument left out (`first` defaults to this in every connection). */
  defaultSlice: DEFAULT_PAGE_SIZE,
  /** No connection returns more than this many edges, whatever `first` says. */
  maxSlice: MAX_PAGE_SIZE,
} as const;

function argumentsOf(directive: ConstDirectiveNode): Record<string, unknown> {
  return Object.fromEntries((directive.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value)]));
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

function hintOf(directives: readonly ConstDirectiveNode[] | undefined): FieldCostHint {
  const hint: FieldCostHint = {};
  for (const directive of directives ?? []) {
    const args = argumentsOf(directive);
    if (directive.name.value === 'cost' && typeof args.weight === 'number') hint.weight = args.weight;
    if (directive.name.value === 'listSize') {
      hint.listSize = {
        ...(typeof args.assumedSize === 'number' ? { assumedSize: args.assumedSize } : {}),
        slicingArguments: strings(args.slicingArguments),
        sizedFields: strings(args.sizedFields),
      };
    }
  }
  return hint;
}

/** Reads the hints from the composed supergraph SDL, where composition keeps them. */
export function readCostModel(supergraphSdl: string): CostModel {
  const fields = new Map<string, FieldCostHint>();
  const types = new Map<string, number>();
  for (const definition of parse(supergraphSdl, { noLocation: true }).definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.SCALAR_TYPE_DEFINITION &&
      definition.kind !== Kind.ENUM_TYPE_DEFINITION
    ) {
      continue;
    }
    const typeWeight = hintOf(definition.directives).weight;
    if (typeWeight !== undefined) types.set(definition.name.value, typeWeight);
    if (!('fields' in definition)) continue;
    for (const field of definition.fields ?? []) {
      const hint = hintOf(field.directives);
      if (hint.weight !== undefined || hint.listSize) fields.set(`${definition.name.value}.${field.name.value}`, hint);
    }
  }
  return { fields, types };
}
