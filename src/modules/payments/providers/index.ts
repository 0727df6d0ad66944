// The configured card provider (PAYMENTS_PROVIDER), or null when card payments are off.
import type { Runtime } from '../../../runtime.ts';
import type { CardProvider } from './provider.ts';
import { sandboxProvider } from './sandbox.ts';
import { yookassaProvider } from './yookassa.ts';

const cache = new WeakMap<Runtime, CardProvider | null>();

export function cardProvider(runtime: Runtime): CardProvider | null {
  if (cache.has(runtime)) return cache.get(runtime)!;
  const { payments, publicUrl } = runtime.config;
  const provider =
    payments.provider === 'yookassa'
      ? yookassaProvider(payments.yookassa)
      : payments.provider === 'sandbox'
        ? sandboxProvider({ authSecret: runtime.authSecret, publicUrl })
        : null;
  cache.set(runtime, provider);
  return provider;
}
