// Outbound URLs that cannot reach inside our network: price-list downloads (catalog) and webhook
// deliveries (webhooks) share these checks. http and https only; literal IPs are checked before
// connecting and every address a host name resolves to is checked at connection time (inside the
// socket's DNS lookup); loopback, private, link-local, CGNAT, multicast and reserved ranges are
// refused unless private targets are allowed (ALLOW_PRIVATE_IMPORT_URLS, tests and demos).
import dns from 'node:dns';
import net from 'node:net';

export class FetchError extends Error {
  readonly code: string;
  readonly text: { ru: string; en: string };
  constructor(code: string, text: { ru: string; en: string }) {
    super(text.en);
    this.name = 'FetchError';
    this.code = code;
    this.text = text;
  }
}

const blocked = new net.BlockList();
for (const [address, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(address, prefix, 'ipv4');
}
for (const [address, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(address, prefix, 'ipv6');
}

/** True for addresses a price-list URL must not reach: loopback, private, link-local, reserved. */
export function isForbiddenAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) {
    const mapped = address.toLowerCase().match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/)?.[1];
    if (mapped) return blocked.check(mapped, 'ipv4');
    // ::ffff:7f00:1 and other hex-written IPv4-mapped addresses
    if (/^::ffff:[0-9a-f]{1,4}:[0-9a-f]{1,4}$/i.test(address)) return true;
    return blocked.check(address, 'ipv6');
  }
  return true;
}

export function forbidden(host: string): FetchError {
  return new FetchError('url_not_allowed', {
    ru: `Адрес ${host} ведёт во внутреннюю сеть; загрузка с него запрещена`,
    en: `The address ${host} points into a private network; importing from it is not allowed`,
  });
}

/** Parses and checks a URL's form: http(s), a host. Throws FetchError. */
export function checkUrlForm(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FetchError('invalid_url', { ru: 'Неверный URL', en: 'Invalid URL' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FetchError('invalid_url', {
      ru: 'Поддерживаются только адреса http:// и https://',
      en: 'Only http:// and https:// URLs are supported',
    });
  }
  if (!url.hostname)
    throw new FetchError('invalid_url', { ru: 'В URL нет хоста', en: 'The URL has no host' });
  return url;
}

export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/**
 * Checks that the URL's host is allowed now (literal address or every DNS answer); the fetch checks
 * again at connection time. Lets callers refuse an obviously internal URL before queuing work.
 */
export async function checkUrlTarget(raw: string, allowPrivate: boolean): Promise<URL> {
  const url = checkUrlForm(raw);
  if (allowPrivate) return url;
  const host = bareHost(url);
  if (net.isIP(host)) {
    if (isForbiddenAddress(host)) throw forbidden(host);
    return url;
  }
  let addresses: dns.LookupAddress[];
  try {
    addresses = await dns.promises.lookup(host, { all: true, verbatim: true });
  } catch {
    throw new FetchError('url_unreachable', {
      ru: `Не удалось найти хост ${host}`,
      en: `The host ${host} could not be resolved`,
    });
  }
  if (addresses.length === 0 || addresses.some((entry) => isForbiddenAddress(entry.address)))
    throw forbidden(host);
  return url;
}

/** A DNS lookup for sockets that fails when any answer is a forbidden address. */
export function guardedLookup(allowPrivate: boolean): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true, verbatim: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as unknown as dns.LookupAddress[];
      if (!allowPrivate && (list.length === 0 || list.some((entry) => isForbiddenAddress(entry.address)))) {
        return callback(forbidden(hostname), '', 0);
      }
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      return callback(null, list[0].address, list[0].family);
    });
  };
}
