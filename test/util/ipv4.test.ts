/**
 * The IPv4 spellings berth accepts (src/util/ipv4.ts): the spec schema's `cidr` and
 * `dns.extraAddresses`, and NetworkPeer.ipBlock, all use these two patterns.
 */
import { IPV4_ADDRESS, IPV4_CIDR } from '../../src/util/ipv4';

describe('IPV4_ADDRESS', () => {
  test.each(['0.0.0.0', '10.96.0.10', '169.254.20.10', '192.168.1.1', '255.255.255.255', '9.99.199.249'])('accepts %s', (a) => {
    expect(IPV4_ADDRESS.test(a)).toBe(true);
  });
  test.each(['256.0.0.1', '10.96.0', '10.96.0.10.1', '010.96.0.10', '10.96.00.10', '10.96.0.10/32', ' 10.96.0.10', 'fd00::10', '1e1.0.0.1', ''])('refuses %j', (a) => {
    expect(IPV4_ADDRESS.test(a)).toBe(false);
  });
});

describe('IPV4_CIDR', () => {
  test.each(['0.0.0.0/0', '10.0.0.0/8', '192.168.10.5/32', '100.64.0.0/10', '172.16.0.0/12'])('accepts %s', (c) => {
    expect(IPV4_CIDR.test(c)).toBe(true);
  });
  test.each(['10.0.0.0', '10.0.0.0/33', '10.0.0.0/08', '10.0.0.300/8', '010.0.0.0/8', '10.0.0.0/', '10.0.0.0/8/8', 'fd00::/8'])('refuses %j', (c) => {
    expect(IPV4_CIDR.test(c)).toBe(false);
  });
});
