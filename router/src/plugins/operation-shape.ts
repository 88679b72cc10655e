// Measures an operation's shape (depth, aliases, root fields, directives), fragments counted where spread.
import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

export interface OperationShape {
  depth: number;
  aliases: number;
  rootFields: number;
  directives: number;
}

interface Measure {
  depth: number;
  aliases: number;
  directives: number;
}

/** Introspection (`__schema`, `__type`) is Sandbox's business and is not counted; `__typename` is a plain leaf. */
const isIntrospection = (name: string) => name === '__schema' || name === '__type';

export function measureOperation(document: DocumentNode, operation: OperationDefinitionNode): OperationShape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  // Each fragment is measured once and its measure added wherever it is spread, so a document that
  // spreads fragments many times over costs linear time; a cycle (refused by validation) counts as empty.
  const measured = new Map<string, Measure>();
  const inProgress = new Set<string>();

  const fragmentMeasure = (name: string): Measure => {
    const known = measured.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name)) return { depth: 0, aliases: 0, directives: 0 };
    inProgress.add(name);
    const inner = selectionSetMeasure(fragment.selectionSet);
    inProgress.delete(name);
    const result = { ...inner, directives: inner.directives + (fragment.directives?.length ?? 0) };
    measured.set(name, result);
    return result;
  };

  const selectionSetMeasure = (set: SelectionSetNode): Measure => {
    const total: Measure = { depth: 0, aliases: 0, directives: 0 };
    for (const selection of set.selections) {
      let part: Measure;
      if (selection.kind === Kind.FIELD) {
        if (isIntrospection(selection.name.value)) continue;
        const inner = selection.selectionSet ? selectionSetMeasure(selection.selectionSet) : { depth: 0, aliases: 0, directives: 0 };
        part = { depth: inner.depth + 1, aliases: inner.aliases + (selection.alias ? 1 : 0), directives: inner.directives };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        part = selectionSetMeasure(selection.selectionSet);
      } else {
        part = fragmentMeasure(selection.name.value);
      }
      total.depth = Math.max(total.depth, part.depth);
      total.aliases += part.aliases;
      total.directives += part.directives + (selection.directives?.length ?? 0);
    }
    return total;
  };

  const rootCounts = new Map<string, number>();
  const rootFieldsOf = (set: SelectionSetNode): number => {
    let count = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) count += isIntrospection(selection.name.value) ? 0 : 1;
      else if (selection.kind === Kind.INLINE_FRAGMENT) count += rootFieldsOf(selection.selectionSet);
      else count += fragmentRootFields(selection.name.value);
    }
    return count;
  };
  const fragmentRootFields = (name: string): number => {
    const known = rootCounts.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name)) return 0;
    inProgress.add(name);
    const count = rootFieldsOf(fragment.selectionSet);
    inProgress.delete(name);
    rootCounts.set(name, count);
    return count;
  };

  const body = selectionSetMeasure(operation.selectionSet);
  return {
    depth: body.depth,
    aliases: body.aliases,
    rootFields: rootFieldsOf(operation.selectionSet),
    directives: body.directives + (operation.directives?.length ?? 0),
  };
}
