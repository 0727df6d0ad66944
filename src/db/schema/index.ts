// Every table of every module, for Drizzle's relational queries and drizzle-kit.

export * from './accounts.ts';
export * from './audit.ts';
export * from './catalog.ts';
export * from './contacts.ts';
export * from './orders.ts';
export * from './payments.ts';
export * from './promotions.ts';
export * from './purchasing.ts';
export * from './stats.ts';
export * from './users.ts';
export * from './webhooks.ts';
