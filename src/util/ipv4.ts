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
