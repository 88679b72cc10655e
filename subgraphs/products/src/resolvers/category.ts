// Categories: the tree and its creation by ADMINs.
import { badUserInput, conflict, parseId, requireAnyRole } from '@marketplace/service-kit';
import type { CategoryResolvers, MutationResolvers } from '../__generated__/resolvers-types.ts';
import { SlugTakenError } from '../stores/categories.ts';
import { words } from '../search-terms.ts';
import { validateCategoryName, validateSlug } from '../validation.ts';

export const Category: CategoryResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.category.load(ref.id),
  id: (category) => category._id.toHexString(),
  parent: (category, _args, ctx) => (category.parentId ? ctx.loaders.category.load(category.parentId.toHexString()) : null),
  children: (category, _args, ctx) => ctx.loaders.categoryChildren.load(category._id.toHexString()),
};

export const categoryMutations: Pick<MutationResolvers, 'createCategory'> = {
  async createCategory(_parent, { input }, ctx) {
    requireAnyRole(ctx.identity, ['ADMIN'], 'create categories');
    const name = validateCategoryName(input.name);
    const slug = validateSlug(input.slug ?? words(name).join('-'));
    const parent = input.parentId ? await ctx.loaders.category.load(parseId(input.parentId, 'parentId').toHexString()) : null;
    if (input.parentId && !parent) throw badUserInput(`parent category ${input.parentId} does not exist`, 'parentId');
    try {
      return await ctx.stores.categories.insert({ name, slug, parent });
    } catch (error) {
      if (error instanceof SlugTakenError) throw conflict(`a category with slug "${slug}" already exists`);
      throw error;
    }
  },
};
