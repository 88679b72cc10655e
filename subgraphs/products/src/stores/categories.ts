// The category tree: each category keeps its ancestors, so subtrees are one query away.
import { ObjectId, type Collection, type Db } from 'mongodb';
import { anyOfFilter, ensureIndexes, idsFilter, isDuplicateKeyError } from '@marketplace/service-kit';

export interface CategoryDocument {
  _id: ObjectId;
  name: string;
  slug: string;
  parentId: ObjectId | null;
  /** Root first, parent last. */
  ancestors: ObjectId[];
  createdAt: Date;
}

export class SlugTakenError extends Error {
  override name = 'SlugTakenError';
}

export class CategoriesStore {
  readonly #categories: Collection<CategoryDocument>;

  constructor(db: Db) {
    this.#categories = db.collection<CategoryDocument>('categories');
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.#categories, [
      { key: { slug: 1 }, name: 'slug_unique', unique: true },
      { key: { parentId: 1, name: 1 }, name: 'children' },
    ]);
  }

  findByIds(ids: readonly ObjectId[]): Promise<CategoryDocument[]> {
    return this.#categories.find(idsFilter(ids)).toArray();
  }

  findBySlug(slug: string): Promise<CategoryDocument | null> {
    return this.#categories.findOne({ slug });
  }

  /** Children of one category, or the roots when `parentId` is null; by name. */
  children(parentId: ObjectId | null): Promise<CategoryDocument[]> {
    return this.#categories.find({ parentId }).sort({ name: 1, _id: 1 }).toArray();
  }

  /** The children of each of these categories, in one query; each parent's by name. */
  async childrenOf(parentIds: readonly ObjectId[]): Promise<Map<string, CategoryDocument[]>> {
    const children = await this.#categories.find(anyOfFilter('parentId', parentIds)).sort({ name: 1, _id: 1 }).toArray();
    return Map.groupBy(children, (child) => child.parentId!.toHexString());
  }

  async insert(category: { name: string; slug: string; parent: CategoryDocument | null }): Promise<CategoryDocument> {
    const { parent } = category;
    const doc: CategoryDocument = {
      _id: new ObjectId(),
      name: category.name,
      slug: category.slug,
      parentId: parent?._id ?? null,
      ancestors: parent ? [...parent.ancestors, parent._id] : [],
      createdAt: new Date(),
    };
    try {
      await this.#categories.insertOne(doc);
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new SlugTakenError(category.slug);
      throw error;
    }
    return doc;
  }
}
