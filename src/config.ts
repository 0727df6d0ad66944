// The only reader of process.env. Every setting is parsed and validated here, once, at boot;
// a wrong value stops the process with one line naming the variable and what it expects.
import path from 'node:path';

/**
 * The embedded database's buffer pool, in MiB (`PGLITE_SHARED_BUFFERS_MB`). PostgreSQL's 128 MiB
 * default costs PGlite about 0.3 s at every start and ~90 MiB of resident memory before the first
 * query (measured on an existing data folder: 0.86 s and 310 MiB with 128, 0.62 s and 223 MiB with
 * 64); what a smaller pool does not hold is read from the data folder through the operating system's
 * page cache.
 */
export const EMBEDDED_SHARED_BUFFERS_MB = 64;

export interface RateLimitConfig {
  /** false switches every rate limit off (load tests, benchmarks); never the default. */
  enabled: boolean;
  loginPerAccount: { max: number; windowSeconds: number };
  loginPerIp: { max: number; windowSeconds: number };
  emailRequests: { max: number; windowSeconds: number };
  /** Email-sending requests (registration, confirmation resend, password reset) per client address. */
  emailRequestsPerIp: { max: number; windowSeconds: number };
  /** Coupon codes a buyer may try attaching to the basket (codes typed by hand can be guessed). */
  couponAttempts: { max: number; windowSeconds: number };
  /** Requests to each public catalog and search route per client address (per API process). */
  catalogReads: { max: number; windowSeconds: number };
}

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  /** Absent: the embedded PGlite in DATA_DIR/pg. */
  databaseUrl: string | undefined;
  databasePoolSize: number;
  /**
   * A read replica (a streaming-replication standby of DATABASE_URL) for the public catalog reads;
   * absent: they read the primary. Only with DATABASE_URL.
   */
  databaseReadUrl: string | undefined;
  databaseReadPoolSize: number;
  dataDir: string;
  /** The embedded database's buffer pool (PGLITE_SHARED_BUFFERS_MB; db/client.ts). */
  embeddedSharedBuffersMb: number;
  /** Absent: messages are written as .eml files to DATA_DIR/mailbox. */
  smtpUrl: string | undefined;
  mailFrom: string;
  staffEmail: string;
  /** Absent in embedded mode: generated once and kept in DATA_DIR. Required with DATABASE_URL. */
  authSecret: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  runWorkers: boolean;
  migrateOnStart: boolean;
  allowPrivateImportUrls: boolean;
  importMaxBytes: number;
  /** Bounds a price list is read within (modules/catalog/price-list/limits.ts). */
  importLimits: {
    maxGoods: number;
    maxCharacteristics: number;
    maxLineLength: number;
    maxDocuments: number;
    maxDepth: number;
    maxAliases: number;
    maxNodes: number;
    timeoutMs: number;
    memoryMb: number;
  };
  /** Memory for public catalog answers kept between requests (0: no cache). */
  catalogCacheBytes: number;
  /** A standing-order slot missed (service down) runs when the worker is back within this many minutes; older ones are recorded as missed. */
  standingOrderGraceMinutes: number;
  demoData: boolean;
  /** DEMO_HISTORY_MONTHS: months of sales history the demo data brings (0: none). */
  demoHistoryMonths: number;
  corsOrigins: string[] | true | false;
  /** Whom to believe about the client address (X-Forwarded-For): false, true, a hop count or addresses. */
  trustProxy: boolean | number | string[];
  bodyLimitBytes: number;
  shutdownTimeoutMs: number;
  /** The first webhook retry's delay; each next one doubles, up to 480 times this (4 h by default). */
  webhookRetryBaseMs: number;
  rateLimit: RateLimitConfig;
  payments: PaymentsConfig;
}

/** Card payments: which provider takes them, and its credentials. */
export interface PaymentsConfig {
  /** `sandbox` (Zakupka's own payment page; the embedded default), `yookassa`, or `none` (cards off). */
  provider: 'sandbox' | 'yookassa' | 'none';
  yookassa: { shopId: string | undefined; secretKey: string | undefined; apiUrl: string };
}

function paymentsConfig(env: Env, embedded: boolean): PaymentsConfig {
  const raw = str(env, 'PAYMENTS_PROVIDER', embedded ? 'sandbox' : 'none')
    .trim()
    .toLowerCase();
  if (raw !== 'sandbox' && raw !== 'yookassa' && raw !== 'none') {
    throw new ConfigError('PAYMENTS_PROVIDER', 'sandbox, yookassa or none', env.PAYMENTS_PROVIDER);
  }
  const shopId = optional(env, 'YOOKASSA_SHOP_ID');
  const secretKey = optional(env, 'YOOKASSA_SECRET_KEY');
  if (raw === 'yookassa') {
    if (!shopId)
      throw new ConfigError('YOOKASSA_SHOP_ID', 'the YooKassa shop id (PAYMENTS_PROVIDER=yookassa)', shopId);
    if (!secretKey) {
      throw new ConfigError(
        'YOOKASSA_SECRET_KEY',
        'the YooKassa secret key (PAYMENTS_PROVIDER=yookassa)',
        undefined,
      );
    }
  }
  return {
    provider: raw,
    yookassa: {
      shopId,
      secretKey,
      apiUrl: url(env, 'YOOKASSA_API_URL', ['http', 'https'], 'https://api.yookassa.ru/v3')!.replace(
        /\/+$/,
        '',
      ),
    },
  };
}

export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, expected: string, got: string | undefined) {
    super(`${variable}: expected ${expected}, got ${JSON.stringify(got)}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string, fallback: string): string {
  const value = env[name];
  return value === undefined || value === '' ? fallback : value;
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `an integer from ${min} to ${max}`, raw);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(name, `an integer from ${min} to ${max}`, raw);
  return value;
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = raw.trim().toLowerCase();
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw new ConfigError(name, 'true or false', raw);
}

function url(env: Env, name: string, protocols: string[], fallback?: string): string | undefined {
  const raw = optional(env, name) ?? fallback;
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `a URL (${protocols.join(', ')})`, raw);
  }
  if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) {
    throw new ConfigError(name, `a URL (${protocols.join(', ')})`, raw);
  }
  return raw;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

function email(env: Env, name: string, fallback: string): string {
  const value = str(env, name, fallback).trim();
  // MAIL_FROM may carry a display name: "Zakupka <noreply@example.com>".
  const address = value.match(/<([^>]+)>\s*$/)?.[1] ?? value;
  if (!EMAIL.test(address)) throw new ConfigError(name, 'an email address', env[name]);
  return value;
}

function trustProxy(env: Env): Config['trustProxy'] {
  const raw = (env.TRUST_PROXY ?? '').trim();
  if (raw === '' || FALSE.has(raw.toLowerCase())) return false;
  if (TRUE.has(raw.toLowerCase())) return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  const addresses = raw.split(',').map((part) => part.trim());
  if (addresses.every((address) => /^[0-9a-fA-F.:/]+$/.test(address))) return addresses;
  throw new ConfigError(
    'TRUST_PROXY',
    'false, true, a hop count, or comma-separated proxy addresses/CIDRs',
    raw,
  );
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const port = int(env, 'PORT', 8000, 0, 65535);
  const host = str(env, 'HOST', '127.0.0.1');
  const publicUrl = url(env, 'PUBLIC_URL', ['http', 'https'], `http://localhost:${port}`)!.replace(
    /\/+$/,
    '',
  );
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres', 'postgresql']);
  const databaseReadUrl = url(env, 'DATABASE_READ_URL', ['postgres', 'postgresql']);
  if (databaseReadUrl && !databaseUrl) {
    throw new ConfigError(
      'DATABASE_READ_URL',
      'to be set only together with DATABASE_URL (a read replica of the PostgreSQL primary; the embedded database has none)',
      '<hidden>',
    );
  }
  const authSecret = optional(env, 'AUTH_SECRET');
  if (databaseUrl && !authSecret) {
    throw new ConfigError(
      'AUTH_SECRET',
      'a secret of at least 32 characters (required with DATABASE_URL)',
      undefined,
    );
  }
  if (authSecret !== undefined && authSecret.length < 32) {
    throw new ConfigError('AUTH_SECRET', 'a secret of at least 32 characters', '<hidden>');
  }
  const logLevel = str(env, 'LOG_LEVEL', 'info');
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', LOG_LEVELS.join('|'), logLevel);
  }
  const cors = str(env, 'CORS_ORIGINS', '');
  const corsOrigins: Config['corsOrigins'] =
    cors === '' ? false : cors === '*' ? true : cors.split(',').map((origin) => origin.trim());

  return {
    port,
    host,
    publicUrl,
    databaseUrl,
    databasePoolSize: int(env, 'DATABASE_POOL_SIZE', 10, 1, 1000),
    databaseReadUrl,
    databaseReadPoolSize: int(env, 'DATABASE_READ_POOL_SIZE', 10, 1, 1000),
    dataDir: path.resolve(cwd, str(env, 'DATA_DIR', './data')),
    embeddedSharedBuffersMb: int(env, 'PGLITE_SHARED_BUFFERS_MB', EMBEDDED_SHARED_BUFFERS_MB, 1, 16_384),
    smtpUrl: url(env, 'SMTP_URL', ['smtp', 'smtps']),
    mailFrom: email(env, 'MAIL_FROM', 'Zakupka <noreply@zakupka.local>'),
    staffEmail: email(env, 'STAFF_EMAIL', 'staff@zakupka.local'),
    authSecret,
    logLevel: logLevel as Config['logLevel'],
    runWorkers: bool(env, 'RUN_WORKERS', true),
    migrateOnStart: bool(env, 'MIGRATE_ON_START', true),
    allowPrivateImportUrls: bool(env, 'ALLOW_PRIVATE_IMPORT_URLS', false),
    importMaxBytes: int(env, 'IMPORT_MAX_BYTES', 100 * 1024 * 1024, 1024, 2 ** 40),
    importLimits: {
      maxGoods: int(env, 'IMPORT_MAX_GOODS', 500_000, 1, 100_000_000),
      maxCharacteristics: int(env, 'IMPORT_MAX_CHARACTERISTICS', 1_000, 1, 1_000_000),
      maxLineLength: int(env, 'IMPORT_MAX_LINE_LENGTH', 65_536, 80, 2 ** 30),
      maxDocuments: int(env, 'IMPORT_MAX_DOCUMENTS', 1, 1, 1_000),
      maxDepth: int(env, 'IMPORT_MAX_DEPTH', 32, 4, 1_000),
      maxAliases: int(env, 'IMPORT_MAX_ALIASES', 10_000, 0, 10_000_000),
      maxNodes: int(env, 'IMPORT_MAX_YAML_NODES', 2_000_000, 1_000, 1_000_000_000),
      timeoutMs: int(env, 'IMPORT_PARSE_TIMEOUT_MS', 120_000, 100, 86_400_000),
      memoryMb: int(env, 'IMPORT_PARSE_MEMORY_MB', 1_024, 32, 65_536),
    },
    catalogCacheBytes: int(env, 'CATALOG_CACHE_MB', 64, 0, 65536) * 1024 * 1024,
    standingOrderGraceMinutes: int(env, 'STANDING_ORDER_GRACE_MINUTES', 180, 1, 10_080),
    demoData: bool(env, 'DEMO_DATA', false),
    demoHistoryMonths: int(env, 'DEMO_HISTORY_MONTHS', 0, 0, 36),
    corsOrigins,
    trustProxy: trustProxy(env),
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 1024 * 1024, 1024, 2 ** 31),
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    webhookRetryBaseMs: int(env, 'WEBHOOK_RETRY_BASE_MS', 30_000, 100, 3_600_000),
    payments: paymentsConfig(env, databaseUrl === undefined),
    rateLimit: {
      enabled: bool(env, 'RATE_LIMIT', true),
      loginPerAccount: {
        max: int(env, 'RATE_LIMIT_LOGIN_ACCOUNT_MAX', 5, 1, 1_000_000),
        windowSeconds: int(env, 'RATE_LIMIT_LOGIN_ACCOUNT_WINDOW', 900, 1, 86_400),
      },
      loginPerIp: {
        max: int(env, 'RATE_LIMIT_LOGIN_IP_MAX', 30, 1, 1_000_000),
        windowSeconds: int(env, 'RATE_LIMIT_LOGIN_IP_WINDOW', 900, 1, 86_400),
      },
      emailRequests: {
        max: int(env, 'RATE_LIMIT_EMAIL_MAX', 3, 1, 1_000_000),
        windowSeconds: int(env, 'RATE_LIMIT_EMAIL_WINDOW', 900, 1, 86_400),
      },
      emailRequestsPerIp: {
        max: int(env, 'RATE_LIMIT_EMAIL_IP_MAX', 20, 1, 1_000_000),
        windowSeconds: int(env, 'RATE_LIMIT_EMAIL_IP_WINDOW', 900, 1, 86_400),
      },
      couponAttempts: {
        max: int(env, 'RATE_LIMIT_COUPON_MAX', 20, 1, 1_000_000),
        windowSeconds: int(env, 'RATE_LIMIT_COUPON_WINDOW', 600, 1, 86_400),
      },
      catalogReads: {
        max: int(env, 'RATE_LIMIT_CATALOG_MAX', 600, 1, 1_000_000),
        windowSeconds: int(env, 'RATE_LIMIT_CATALOG_WINDOW', 60, 1, 86_400),
      },
    },
  };
}
