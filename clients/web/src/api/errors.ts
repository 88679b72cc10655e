// What the gateway answered, and how to say it to a shopper.

export interface GraphQLErrorAnswer {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

/** A request the gateway answered with errors, or could not answer at all. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly errors: GraphQLErrorAnswer[];
  constructor(status: number, errors: GraphQLErrorAnswer[]) {
    super(errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; ') || `HTTP ${status}`);
    this.status = status;
    this.errors = errors;
  }

  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }

  has(code: string): boolean {
    return this.errors.some((e) => e.extensions?.code === code);
  }
}

/** The gateway could not be reached (offline, or it is down). */
export const NETWORK_ERROR = 'NETWORK_ERROR';

export interface DescribeContext {
  /** Names products by id, for INSUFFICIENT_STOCK (the cart knows the titles). */
  productTitle?: (id: string) => string | undefined;
}

/** One sentence a shopper understands, for any error a request can end in. */
export function describeError(error: unknown, context: DescribeContext = {}): string {
  if (!(error instanceof ApiError)) return 'Something went wrong on our side. Please try again.';
  const first = error.errors[0];
  const extensions = first?.extensions ?? {};
  switch (error.code) {
    case NETWORK_ERROR:
      return 'We could not reach the marketplace. Check your connection and try again.';
    case 'INSUFFICIENT_STOCK': {
      const id = typeof extensions.productId === 'string' ? extensions.productId : undefined;
      const title = id ? context.productTitle?.(id) : undefined;
      return title
        ? `Sorry, there is not enough stock of “${title}” for your order. Lower the quantity or remove it from your cart.`
        : 'Sorry, one of the products in your order does not have enough stock left.';
    }
    case 'UNAUTHENTICATED':
      return 'Please sign in to continue.';
    case 'FORBIDDEN':
      return 'Your account is not allowed to do this.';
    case 'NOT_FOUND':
      return 'We could not find what you were looking for. It may have been removed.';
    case 'CONFLICT':
      return first?.message ? capitalise(first.message) : 'This changed in the meantime. Reload and try again.';
    case 'RATE_LIMITED': {
      const seconds = Number(extensions.retryAfterSeconds);
      return Number.isFinite(seconds) && seconds > 0
        ? `Too many attempts. Please wait ${Math.ceil(seconds / 60) > 1 ? `${Math.ceil(seconds / 60)} minutes` : `${Math.ceil(seconds)} seconds`} and try again.`
        : 'Too many attempts. Please wait a moment and try again.';
    }
    case 'BAD_USER_INPUT':
      // The services word these for people ("password must be at least 10 characters").
      return first?.message ? `Please check what you entered: ${first.message.replace(/\.$/, '')}.` : 'Please check what you entered.';
    case 'SERVICE_UNAVAILABLE':
      return 'The marketplace is busy right now. Please try again in a few seconds.';
    default:
      return 'Something went wrong on our side. Please try again.';
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
