// The demo shop: fixed accounts, a category tree, listings and orders in every state. The passwords are meant to be printed: they guard only a local demo.
import type { DemoAdmin } from './services.ts';

export interface DemoAccount {
  email: string;
  password: string;
  name: string;
  role: 'BUYER' | 'SELLER';
}

export const DEMO_SELLER: DemoAccount = { email: 'seller@demo.marketplace', password: 'demo-seller-2024', name: 'Oak & Ember Workshop', role: 'SELLER' };
export const DEMO_SECOND_SELLER: DemoAccount = { email: 'lumen@demo.marketplace', password: 'demo-lumen-2024', name: 'Lumen Lighting Co.', role: 'SELLER' };
export const DEMO_BUYER: DemoAccount = { email: 'buyer@demo.marketplace', password: 'demo-buyer-2024', name: 'Bea Buyer', role: 'BUYER' };
export const DEMO_ADMIN: DemoAdmin = { email: 'admin@demo.marketplace', password: 'demo-admin-2024', name: 'Ada Admin' };

/** Slug → name and parent slug; parents come before their children. */
export const CATEGORIES: readonly { slug: string; name: string; parent?: string }[] = [
  { slug: 'home', name: 'Home' },
  { slug: 'kitchen', name: 'Kitchen', parent: 'home' },
  { slug: 'tableware', name: 'Tableware', parent: 'kitchen' },
  { slug: 'textiles', name: 'Textiles', parent: 'home' },
  { slug: 'lighting', name: 'Lighting' },
  { slug: 'lamps', name: 'Lamps', parent: 'lighting' },
  { slug: 'candles', name: 'Candles', parent: 'lighting' },
];

export interface DemoProduct {
  title: string;
  description: string;
  /** Minor units (cents). */
  amount: number;
  stock: number;
  category: string;
  attributes: { name: string; value: string }[];
  seller: 'main' | 'second';
  images: string[];
}

export const CURRENCY = 'EUR';
const image = (name: string) => `https://images.demo.marketplace/${name}.jpg`;

export const CATALOG: readonly DemoProduct[] = ([
  { title: 'Hand-thrown stoneware mug', description: 'A 350 ml mug thrown on the wheel and glazed in speckled oat. Dishwasher and microwave safe.', amount: 2400, stock: 24, category: 'tableware', attributes: [{ name: 'Colour', value: 'Oat' }, { name: 'Capacity', value: '350 ml' }], seller: 'main' },
  { title: 'Stoneware dinner plates, set of four', description: 'Wide-rimmed 27 cm plates in a matte slate glaze.', amount: 8800, stock: 10, category: 'tableware', attributes: [{ name: 'Colour', value: 'Slate' }, { name: 'Diameter', value: '27 cm' }], seller: 'main' },
  { title: 'Walnut cutting board', description: 'Solid European walnut, 40 × 25 cm, finished with food-safe oil. Juice groove on one side.', amount: 5900, stock: 8, category: 'kitchen', attributes: [{ name: 'Material', value: 'Walnut' }, { name: 'Size', value: '40 × 25 cm' }], seller: 'main' },
  { title: 'Enamel pour-over kettle', description: 'A 1 l gooseneck kettle in white enamel for slow, even pours. Works on gas, electric and induction.', amount: 4500, stock: 5, category: 'kitchen', attributes: [{ name: 'Colour', value: 'White' }, { name: 'Capacity', value: '1 l' }], seller: 'main' },
  { title: 'Linen tea towels, set of two', description: 'Stonewashed Baltic linen in natural and charcoal; soft from the first use and quick to dry.', amount: 1850, stock: 40, category: 'textiles', attributes: [{ name: 'Material', value: 'Linen' }, { name: 'Colour', value: 'Charcoal' }], seller: 'main' },
  { title: 'Wool throw blanket', description: 'A 130 × 180 cm throw woven from undyed lambswool.', amount: 11900, stock: 6, category: 'textiles', attributes: [{ name: 'Material', value: 'Wool' }, { name: 'Colour', value: 'Natural' }], seller: 'main' },
  { title: 'Brass desk lamp', description: 'An adjustable desk lamp in brushed brass with a linen shade; E27 bulb included.', amount: 13900, stock: 7, category: 'lamps', attributes: [{ name: 'Finish', value: 'Brass' }, { name: 'Bulb', value: 'E27' }], seller: 'second' },
  { title: 'Paper pendant shade', description: 'A 45 cm hand-folded paper shade that casts a soft, even glow.', amount: 3900, stock: 15, category: 'lamps', attributes: [{ name: 'Colour', value: 'White' }, { name: 'Diameter', value: '45 cm' }], seller: 'second' },
  { title: 'Beeswax taper candles, pair', description: 'Hand-dipped from pure beeswax, 25 cm tall, about eight hours of clean, honey-scented light each.', amount: 1200, stock: 30, category: 'candles', attributes: [{ name: 'Material', value: 'Beeswax' }, { name: 'Height', value: '25 cm' }], seller: 'second' },
] satisfies Omit<DemoProduct, 'images'>[]).map((p) => ({ ...p, images: [image(p.title.toLowerCase().replace(/[^a-z0-9]+/g, '-'))] }));

export type DemoOrderState = 'PENDING' | 'PAID' | 'PARTIALLY_SHIPPED' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED';

/**
 * The buyer's orders: lines by catalog index, and how far each one got. Each holds one seller's
 * products, but for the PARTIALLY_SHIPPED one: items of both sellers, paid, the first line's
 * seller's part shipped with shipFulfillment and the other seller's still to ship.
 */
export const DEMO_ORDERS: readonly { lines: { index: number; quantity: number }[]; state: DemoOrderState }[] = [
  { lines: [{ index: 0, quantity: 2 }, { index: 3, quantity: 1 }], state: 'DELIVERED' },
  { lines: [{ index: 2, quantity: 1 }], state: 'SHIPPED' },
  { lines: [{ index: 4, quantity: 2 }], state: 'PAID' },
  { lines: [{ index: 6, quantity: 1 }, { index: 8, quantity: 3 }], state: 'PENDING' },
  { lines: [{ index: 5, quantity: 1 }], state: 'CANCELLED' },
  { lines: [{ index: 1, quantity: 1 }, { index: 7, quantity: 2 }], state: 'PARTIALLY_SHIPPED' },
];

/** The tracking number of the two-seller order's shipped part. */
export const DEMO_PART_TRACKING = 'DEMO-TRACK-0003';

/** Pasteable into Apollo Sandbox: the catalog across the products and users subgraphs. */
export const EXAMPLE_QUERY = '{ products(first: 10) { edges { node { title price { amount currency } stock seller { name } } } } }';

export const EXAMPLE_ORDERS_QUERY = '{ me { name orders { edges { node { status total { amount currency } items { title quantity } } } } } }';
