// The demo shop: fixed accounts and a small catalog. The passwords are meant to be printed: they guard only a local demo.
import type { DemoAdmin } from './services.ts';

export interface DemoAccount {
  email: string;
  password: string;
  name: string;
  role: 'BUYER' | 'SELLER';
}

export const DEMO_SELLER: DemoAccount = {
  email: 'seller@demo.marketplace',
  password: 'demo-seller-2024',
  name: 'Oak & Ember Workshop',
  role: 'SELLER',
};

export const DEMO_BUYER: DemoAccount = {
  email: 'buyer@demo.marketplace',
  password: 'demo-buyer-2024',
  name: 'Bea Buyer',
  role: 'BUYER',
};

export const DEMO_ADMIN: DemoAdmin = {
  email: 'admin@demo.marketplace',
  password: 'demo-admin-2024',
  name: 'Ada Admin',
};

export interface DemoProduct {
  title: string;
  description: string;
  /** Minor units (cents). */
  amount: number;
  stock: number;
}

export const CURRENCY = 'EUR';

export const CATALOG: readonly DemoProduct[] = [
  {
    title: 'Hand-thrown stoneware mug',
    description: 'A 350 ml mug thrown on the wheel and glazed in speckled oat. Dishwasher and microwave safe.',
    amount: 2400,
    stock: 24,
  },
  {
    title: 'Walnut cutting board',
    description: 'Solid European walnut, 40 × 25 cm, finished with food-safe oil. Juice groove on one side.',
    amount: 5900,
    stock: 8,
  },
  {
    title: 'Linen tea towels, set of two',
    description: 'Stonewashed Baltic linen in natural and charcoal; soft from the first use and quick to dry.',
    amount: 1850,
    stock: 40,
  },
  {
    title: 'Enamel pour-over kettle',
    description: 'A 1 l gooseneck kettle in white enamel for slow, even pours. Works on gas, electric and induction.',
    amount: 4500,
    stock: 5,
  },
  {
    title: 'Beeswax taper candles, pair',
    description: 'Hand-dipped from pure beeswax, 25 cm tall, about eight hours of clean, honey-scented light each.',
    amount: 1200,
    stock: 30,
  },
];

/** The buyer's first order: lines by catalog index. */
export const DEMO_ORDER: readonly { index: number; quantity: number }[] = [
  { index: 0, quantity: 2 },
  { index: 3, quantity: 1 },
];

/** Pasteable into Apollo Sandbox: the catalog across the products and users subgraphs. */
export const EXAMPLE_QUERY = '{ products(first: 10) { edges { node { title price { amount currency } stock seller { name } } } } }';

export const EXAMPLE_ORDERS_QUERY = '{ me { name orders { edges { node { status total { amount currency } items { title quantity } } } } } }';
