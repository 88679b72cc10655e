import { Badge } from '@mantine/core';
import type { OrderStatus } from '../__generated__/graphql.ts';

const COLOURS: Record<OrderStatus, string> = { PENDING: 'yellow', PAID: 'blue', PARTIALLY_SHIPPED: 'violet', SHIPPED: 'grape', DELIVERED: 'teal', CANCELLED: 'gray' };
export const STATUS_LABELS: Record<OrderStatus, string> = {
  PENDING: 'Awaiting payment',
  PAID: 'Paid',
  PARTIALLY_SHIPPED: 'Partly shipped',
  SHIPPED: 'Shipped',
  DELIVERED: 'Delivered',
  CANCELLED: 'Cancelled',
};

export function OrderStatusBadge({ status }: { status: OrderStatus }) {
  return (
    <Badge color={COLOURS[status]} variant="light" data-status={status}>
      {STATUS_LABELS[status]}
    </Badge>
  );
}
