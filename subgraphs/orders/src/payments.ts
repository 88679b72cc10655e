// Where an order's money is taken and given back; a real payment service plugs in here.
import type { Money, PaymentSettings } from '@marketplace/service-kit';
import { HttpPayments } from './http-payments.ts';

export interface PaymentRequest {
  /** The order id: a provider must charge a reference at most once, however often it is asked. */
  reference: string;
  amount: Money;
  payerId: string;
}

/** Part (or all) of a charge given back: one seller's fulfilment of the order. */
export interface RefundRequest {
  /** The charge's reference (the order id). */
  reference: string;
  /** A provider must make each refund at most once, however often it is asked: `<orderId>:<fulfilmentId>`. */
  refundId: string;
  amount: Money;
}

export interface PaymentProvider {
  /** Takes the amount, or returns the payment already taken for this reference. */
  charge(request: PaymentRequest): Promise<{ paymentId: string }>;
  /** Gives the amount of a reference's payment back once per refundId; a refund of what was never charged changes nothing. */
  refund(request: RefundRequest): Promise<void>;
}

/** Approves every payment and takes no money: for development and tests only (PAYMENT_PROVIDER refuses it in production). */
export class ApproveAllPayments implements PaymentProvider {
  async charge(request: PaymentRequest): Promise<{ paymentId: string }> {
    return { paymentId: `approved:${request.reference}` };
  }

  async refund(): Promise<void> {}
}

/** The provider the settings name (PAYMENT_PROVIDER and its own settings). */
export function paymentProvider(settings: PaymentSettings): PaymentProvider {
  switch (settings.provider) {
    case 'approve-all':
      return new ApproveAllPayments();
    case 'http':
      return new HttpPayments({ url: settings.url, ...(settings.token ? { token: settings.token } : {}) });
  }
}
