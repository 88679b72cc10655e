// Throttles guessing: failed sign-ins per email and per client address, and registrations per address.
import { createHash } from 'node:crypto';
import { LOGIN_WINDOW_SECONDS, rateLimited, type LimiterStore, type LimitOutcome } from '@marketplace/service-kit';

export interface SignInLimits {
  /** Failed logins per email within the login window before that email is refused; 0 turns it off. */
  loginFailuresPerEmail: number;
  /** Failed logins per client address within the login window; 0 turns it off. */
  loginFailuresPerIp: number;
  /** Registrations per client address and hour; 0 turns it off. */
  registerPerHour: number;
}

export interface SignInThrottleOptions {
  store: LimiterStore;
  limits: SignInLimits;
  /** The window over which failed logins are counted (tests shorten it). */
  loginWindowSeconds?: number;
}

/** Who is trying to sign in: the email as looked up, and the client's address. */
export interface LoginAttempt {
  email: string;
  clientIp: string;
}

export interface SignInThrottle {
  /** Refuses with RATE_LIMITED when the address or the email is throttled; otherwise counts the attempt against the email. */
  beforeLogin(attempt: LoginAttempt): Promise<void>;
  /** A wrong password or an unknown email: counts against the address too. */
  loginFailed(attempt: LoginAttempt): Promise<void>;
  /** The right password: forgets the email's failures. */
  loginSucceeded(attempt: LoginAttempt): Promise<void>;
  /** Refuses with RATE_LIMITED when the address has registered too often this hour; otherwise counts this one. */
  beforeRegister(clientIp: string): Promise<void>;
}

const HOUR_SECONDS = 60 * 60;

/** Emails are hashed before they become keys: a shared store then holds no addresses, and keys stay short. */
const emailKey = (email: string) => createHash('sha256').update(email).digest('base64url');

function refuse(outcome: LimitOutcome, message: string): void {
  if (!outcome.allowed) throw rateLimited(`${message}; try again in ${outcome.retryAfterSeconds} seconds`, outcome.retryAfterSeconds);
}

export function createSignInThrottle(options: SignInThrottleOptions): SignInThrottle {
  const { store, limits } = options;
  const windowSeconds = options.loginWindowSeconds ?? LOGIN_WINDOW_SECONDS;
  const perEmail = store.limiter({ name: 'login-email', points: limits.loginFailuresPerEmail, windowSeconds });
  const perIp = store.limiter({ name: 'login-ip', points: limits.loginFailuresPerIp, windowSeconds });
  const register = store.limiter({ name: 'register-ip', points: limits.registerPerHour, windowSeconds: HOUR_SECONDS });

  return {
    async beforeLogin({ email, clientIp }) {
      refuse(await perIp.check(clientIp), 'too many failed sign-ins from your address');
      // Spent before the password is checked, not after it fails: concurrent guesses cannot all
      // slip past a check that has not counted them yet. A success gives it back by resetting.
      refuse(await perEmail.consume(emailKey(email)), 'too many failed sign-ins for this email');
    },
    async loginFailed({ clientIp }) {
      // Per address only failures count, so an office's successful sign-ins never use it up.
      await perIp.record(clientIp);
    },
    async loginSucceeded({ email }) {
      await perEmail.reset(emailKey(email));
    },
    async beforeRegister(clientIp) {
      refuse(await register.consume(clientIp), 'too many registrations from your address');
    },
  };
}
