/**
 * IPv4 addresses and CIDR blocks as strings, in the one spelling berth accepts: dotted decimal,
 * octets 0-255 without leading zeros (an "010" reads as octal to some tools), prefixes 0-32.
 * Plain regular expressions, so the JSON Schemas generated from the zod schemas carry them too.
 */
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const ADDRESS = `${OCTET}(?:\\.${OCTET}){3}`;

/** `169.254.20.10` */
export const IPV4_ADDRESS = new RegExp(`^${ADDRESS}$`);

/** `10.0.0.0/8`, `192.168.10.5/32` */
export const IPV4_CIDR = new RegExp(`^${ADDRESS}/(?:3[0-2]|[12]?\\d)$`);

/** `a.b.c.d` as an unsigned 32-bit number (the address must match IPV4_ADDRESS). */
function toNumber(address: string): number {
  return address.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

/** Is `address` (IPV4_ADDRESS) inside `cidr` (IPV4_CIDR)? False when either is malformed. */
export function ipv4InCidr(address: string, cidr: string): boolean {
  if (!IPV4_ADDRESS.test(address) || !IPV4_CIDR.test(cidr)) return false;
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(toNumber(address) / size) === Math.floor(toNumber(base) / size);
}
