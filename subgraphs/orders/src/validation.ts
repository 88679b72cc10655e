// Rules for what buyers and sellers send with an order: idempotency keys, tracking numbers, reasons.
// (The order lines' rules are shared with the products service: validateOrderLines in the service kit.)
import { appError, badUserInput, ErrorCode, mergeLines, type OrderLine } from '@marketplace/service-kit';

const MAX_KEY_LENGTH = 200;
const MAX_TRACKING_NUMBER = 100;
const MAX_REASON = 500;

export function validateIdempotencyKey(key: string): string {
  if (key.trim() === '') throw badUserInput('idempotencyKey must not be blank', 'idempotencyKey');
  if (key.length > MAX_KEY_LENGTH) throw badUserInput(`idempotencyKey must be at most ${MAX_KEY_LENGTH} characters`, 'idempotencyKey');
  return key;
}

export function validateTrackingNumber(value: string): string {
  const trimmed = value.trim();
  if (trimmed === '') throw badUserInput('trackingNumber must not be blank', 'trackingNumber');
  if (trimmed.length > MAX_TRACKING_NUMBER) throw badUserInput(`trackingNumber must be at most ${MAX_TRACKING_NUMBER} characters`, 'trackingNumber');
  return trimmed;
}

/** A cancel's reason, trimmed; none when blank. */
export function validateReason(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  if (trimmed.length > MAX_REASON) throw badUserInput(`reason must be at most ${MAX_REASON} characters`, 'reason');
  return trimmed === '' ? null : trimmed;
}

/** At most `max` units of one product per order, however the lines are split. */
export function validateLineQuantities(items: readonly OrderLine[], max: number): void {
  for (const [productId, quantity] of mergeLines(items)) {
    if (quantity > max) {
      throw appError(ErrorCode.BAD_USER_INPUT, `at most ${max} units of one product per order (MAX_LINE_QUANTITY); ${quantity} asked for`, {
        field: 'quantity',
        limit: 'MAX_LINE_QUANTITY',
        max,
        productId,
      });
    }
  }
}
