// The gateway bench's data: sellers, a catalog, and buyers with a few orders each. Accounts and products go in through the subgraphs' own APIs, as a client (or npm
// start's seed) would put them in. Placing an order takes FerretDB about half a second, so only the
// first three orders are placed through the API; the others are copies of those three as the orders
// store wrote them (the order document and its open-order slot, every other field kept), each with its
// own id, buyer, lines and total. Their stock was never reserved: stock is plenty, and they are only read.
import { randomBytes } from 'node:crypto';
import { ObjectId, type Db, type Document } from 'mongodb';
import { expectData } from '@marketplace/testing';

export interface SeedSize {
  products: number;
  /** Buyers with seeded orders, read by the order history workloads. */
  buyers: number;
  sellers: number;
  ordersPerBuyer: number;
}

export interface Account {
  id: string;
  name: string;
  token: string;
}

export interface SeededProduct {
  id: string;
  title: string;
  sellerId: string;
  amount: number;
  inStock: boolean;
}

export interface Seeded {
  sellers: Account[];
  products: SeededProduct[];
  buyers: Account[];
  orders: number;
}

/** Each subgraph's /graphql URL. */
export type SubgraphUrls = Record<'users' | 'products' | 'orders', string>;

/** Words of titles and descriptions: the search workload looks for some of them. */
export const MATERIALS = ['oak', 'steel', 'wool', 'linen', 'ceramic', 'leather', 'glass', 'cotton'] as const;
export const THINGS = ['lamp', 'chair', 'mug', 'kettle', 'scarf', 'jacket', 'bottle', 'notebook', 'backpack', 'table'] as const;
export const COLOURS = ['red', 'blue', 'green', 'black', 'white'] as const;
/** Every tenth product has none in stock, so the inStock filter leaves some out. */
const OUT_OF_STOCK_EVERY = 10;
const STOCK = 1_000_000;
/** Requests in flight at once while seeding; the machine's cores are few and argon2 is costly. */
const PARALLEL = 6;

const REGISTER = 'mutation ($input: RegisterInput!) { register(input: $input) { accessToken user { id name } } }';
const CREATE_PRODUCT = 'mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }';
const PLACE_ORDER = 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }';

/** Orders placed through the API, one for each number of lines; the rest are copies of them. */
const TEMPLATES = 3;

interface PlannedOrder {
  buyer: Account;
  lines: { product: SeededProduct; quantity: number }[];
}

/**
 * Writes plan[TEMPLATES..] as copies of the placed orders (`placed[k]` for plan[k]): the order
 * document with its own id, buyer, lines, sellers, total and times, and the open-order slot it holds.
 */
async function copyOrders(db: Db, placed: string[], plan: PlannedOrder[]): Promise<void> {
  const orders = db.collection('orders');
  const slots = db.collection('openOrderSlots');
  const templates = await Promise.all(placed.map((id) => orders.findOne({ _id: new ObjectId(id) })));
  const templateSlots = await Promise.all(placed.map((id) => slots.findOne({ orderId: new ObjectId(id) })));
  // A buyer's slot numbers: those the placed orders took, then the lowest free ones.
  const slotsTaken = new Map<string, Set<number>>();
  const taken = (buyer: string) => slotsTaken.get(buyer) ?? slotsTaken.set(buyer, new Set()).get(buyer)!;
  templateSlots.forEach((slot, k) => typeof slot?.slot === 'number' && taken(plan[k]!.buyer.id).add(slot.slot));
  const orderDocs: Document[] = [];
  const slotDocs: Document[] = [];
  const start = Date.now() - plan.length * 1000;
  plan.slice(placed.length).forEach((order, index) => {
    const k = (placed.length + index) % placed.length;
    const template = templates[k];
    if (!template || !Array.isArray(template.items) || template.items.length !== order.lines.length) {
      throw new Error(`the placed order ${placed[k]} is not in the orders collection as expected: ${JSON.stringify(template)}`);
    }
    const at = new Date(start + index * 1000);
    const _id = new ObjectId();
    const buyerId = new ObjectId(order.buyer.id);
    const items = order.lines.map(({ product, quantity }, line) => ({
      ...template.items[line],
      productId: new ObjectId(product.id),
      sellerId: new ObjectId(product.sellerId),
      title: product.title,
      quantity,
      unitPrice: { ...template.items[line].unitPrice, amount: product.amount },
    }));
    const dueIn = template.paymentDueAt instanceof Date ? template.paymentDueAt.getTime() - template.createdAt.getTime() : undefined;
    orderDocs.push({
      ...template,
      _id,
      buyerId,
      items,
      sellerIds: [...new Set(order.lines.map(({ product }) => product.sellerId))].map((id) => new ObjectId(id)),
      total: { ...template.total, amount: order.lines.reduce((sum, { product, quantity }) => sum + product.amount * quantity, 0) },
      createdAt: at,
      updatedAt: at,
      ...(template.stockConfirmedAt instanceof Date ? { stockConfirmedAt: at } : {}),
      ...(dueIn === undefined ? {} : { paymentDueAt: new Date(at.getTime() + dueIn) }),
    });
    const templateSlot = templateSlots[k];
    if (templateSlot) {
      const numbers = taken(order.buyer.id);
      let slot = 0;
      while (numbers.has(slot)) slot++;
      numbers.add(slot);
      slotDocs.push({ ...templateSlot, _id: `${order.buyer.id}:${slot}`, buyerId, slot, orderId: _id, takenAt: at, checkedAt: at });
    }
  });
  for (let i = 0; i < orderDocs.length; i += 500) await orders.insertMany(orderDocs.slice(i, i + 500));
  for (let i = 0; i < slotDocs.length; i += 500) await slots.insertMany(slotDocs.slice(i, i + 500));
}

/** Runs `work` for 0..count-1, at most `parallel` at a time, results in order. */
async function inParallel<T>(count: number, parallel: number, work: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, count) }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await work(index);
      }
    }),
  );
  return results;
}

async function register(urls: SubgraphUrls, role: 'BUYER' | 'SELLER', name: string): Promise<Account> {
  const input = { email: `${role.toLowerCase()}-${randomBytes(6).toString('hex')}@example.com`, password: `Bench-${randomBytes(8).toString('hex')}`, name, role };
  const data = await expectData<{ register: { accessToken: string; user: { id: string; name: string } } }>(urls.users, REGISTER, { input });
  return { id: data.register.user.id, name: data.register.user.name, token: data.register.accessToken };
}

/** The price of product `i` in minor units: spread over 5.00 to 204.99 so price filters cut the catalog. */
export const priceOf = (i: number) => 500 + ((i * 7919) % 20_000);

export async function seed(urls: SubgraphUrls, ordersDb: Db, size: SeedSize, log: (line: string) => void): Promise<Seeded> {
  let started = performance.now();
  const lap = (what: string) => {
    log(`seeded ${what} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    started = performance.now();
  };
  const sellers = await inParallel(size.sellers, PARALLEL, (i) => register(urls, 'SELLER', `Seller ${i}`));
  const buyers = await inParallel(size.buyers, PARALLEL, (i) => register(urls, 'BUYER', `Buyer ${i}`));
  lap(`${sellers.length + buyers.length} accounts`);

  const products = await inParallel(size.products, PARALLEL, async (i): Promise<SeededProduct> => {
    const material = MATERIALS[i % MATERIALS.length]!;
    const thing = THINGS[Math.floor(i / MATERIALS.length) % THINGS.length]!;
    const colour = COLOURS[i % COLOURS.length]!;
    const inStock = i % OUT_OF_STOCK_EVERY !== OUT_OF_STOCK_EVERY - 1;
    const input = {
      title: `${material} ${thing} ${i}`,
      description: `A ${colour} ${thing} made of ${material}.`,
      price: { amount: priceOf(i), currency: 'EUR' },
      stock: inStock ? STOCK : 0,
      attributes: [{ name: 'colour', value: colour }],
    };
    const data = await expectData<{ createProduct: { id: string } }>(urls.products, CREATE_PRODUCT, { input }, { token: sellers[i % sellers.length]!.token });
    return { id: data.createProduct.id, title: input.title, sellerId: sellers[i % sellers.length]!.id, amount: priceOf(i), inStock };
  });
  lap(`${products.length} products`);

  // Order k has 1 + k % 3 lines of in-stock products from its own stretch of the catalog, so orders
  // placed at once never change one product's stock together.
  const available = products.filter((product) => product.inStock);
  const plan: PlannedOrder[] = Array.from({ length: size.buyers * size.ordersPerBuyer }, (_, k) => ({
    buyer: buyers[k % size.buyers]!,
    lines: Array.from({ length: 1 + (k % 3) }, (_, line) => ({ product: available[(k * 3 + line) % available.length]!, quantity: 1 + (line % 2) })),
  }));
  const templates = plan.slice(0, TEMPLATES);
  const placed = await inParallel(templates.length, PARALLEL, async (k) => {
    const items = templates[k]!.lines.map(({ product, quantity }) => ({ productId: product.id, quantity }));
    const data = await expectData<{ placeOrder: { id: string } }>(urls.orders, PLACE_ORDER, { input: { items } }, { token: templates[k]!.buyer.token });
    return data.placeOrder.id;
  });
  await copyOrders(ordersDb, placed, plan);
  const orders = plan.length;
  lap(`${orders} orders`);
  return { sellers, products, buyers, orders };
}

/**
 * Deletes the orders `buyers` placed since `since` (and the open-order slots they hold), so every
 * history read scans the same orders collection in every round: FerretDB reads every order for
 * each history query. Their stock stays taken (the products service's reservations and ledger are
 * left as they are).
 */
export async function removePlacedOrders(db: Db, buyers: readonly Account[], since: Date): Promise<number> {
  const orders = db.collection('orders');
  const placed = await orders.find({ buyerId: { $in: buyers.map((buyer) => new ObjectId(buyer.id)) }, createdAt: { $gte: since } }, { projection: { _id: 1 } }).toArray();
  if (placed.length === 0) return 0;
  const ids = placed.map((order) => order._id);
  await orders.deleteMany({ _id: { $in: ids } });
  await db.collection('openOrderSlots').deleteMany({ orderId: { $in: ids } });
  return ids.length;
}
