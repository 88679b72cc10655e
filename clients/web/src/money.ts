import type { Money } from './cart.ts';

const formats = new Map<string, Intl.NumberFormat>();

/** Minor units to a localised amount: { amount: 1999, currency: 'EUR' } is €19.99. */
export function formatMoney(money: Money): string {
  let format = formats.get(money.currency);
  if (!format) {
    format = new Intl.NumberFormat(undefined, { style: 'currency', currency: money.currency });
    formats.set(money.currency, format);
  }
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(money.amount / 10 ** digits);
}

/** A localised amount typed by a seller ("19.99") to minor units, or undefined when it is not a price. */
export function parseAmount(text: string, currency: string): number | undefined {
  const digits = new Intl.NumberFormat(undefined, { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const normalised = text.trim().replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(normalised)) return undefined;
  const [whole = '0', fraction = ''] = normalised.split('.');
  if (fraction.length > digits) return undefined;
  return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
