// Secrets handed to people and machines: 32 random bytes, base64url. Only their SHA-256 is stored.
import { createHash, randomBytes } from 'node:crypto';

export const API_TOKEN_PREFIX = 'zk_';

export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newApiToken(): string {
  return `${API_TOKEN_PREFIX}${randomToken()}`;
}
