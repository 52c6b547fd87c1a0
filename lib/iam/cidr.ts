/**
 * Standard CIDR text only, as IAM documents it ("IAM JSON policy elements: Condition operators", IP address
 * condition operators): the legacy forms general parsers also read (`010.0.0.1`, `127.1`, `0x7f.0.0.1`,
 * `/032`) are refused, since AWS documents none of them and they would not mean what they look like.
 */
import * as ipaddr from "ipaddr.js";

const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const DOTTED_QUAD = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
const IPV4_PREFIX = /^(?:3[0-2]|[12]\d|\d)$/;
const IPV6_PREFIX = /^(?:12[0-8]|1[01]\d|[1-9]\d|\d)$/;
const IPV6_TEXT = /^[0-9A-Fa-f:.]+$/;

export interface Cidr {
  address: ipaddr.IPv4 | ipaddr.IPv6;
  prefix: number;
}

/** True when `text` is a standard dotted-quad IPv4 address (four decimal octets, no leading zeros). */
export function isStandardIpv4(text: string): boolean {
  return DOTTED_QUAD.test(text);
}

/** True when `text` is a standard IPv6 address (hex groups, `::`, optional dotted-quad tail; no zone id). */
export function isStandardIpv6(text: string): boolean {
  if (!text.includes(":") || !IPV6_TEXT.test(text) || !ipaddr.IPv6.isValid(text)) return false;
  const lastColon = text.lastIndexOf(":");
  const tail = text.slice(lastColon + 1);
  return !tail.includes(".") || isStandardIpv4(tail);
}

/**
 * Parses standard CIDR text (`203.0.113.0/24`, `2001:db8::/32`). With `prefixOptional`, a bare address
 * means /32 or /128 ("IAM uses the default prefix value of /32", Condition operators). Else undefined.
 */
export function parseStandardCidr(text: string, opts: { prefixOptional?: boolean } = {}): Cidr | undefined {
  const slash = text.indexOf("/");
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const prefixText = slash === -1 ? undefined : text.slice(slash + 1);
  const v4 = isStandardIpv4(addressText);
  if (!v4 && !isStandardIpv6(addressText)) return undefined;
  if (prefixText === undefined) {
    if (!opts.prefixOptional) return undefined;
    return { address: ipaddr.parse(addressText), prefix: v4 ? 32 : 128 };
  }
  if (!(v4 ? IPV4_PREFIX : IPV6_PREFIX).test(prefixText)) return undefined;
  return { address: ipaddr.parse(addressText), prefix: Number(prefixText) };
}

/** True when the address (as a socket reports it; IPv4-mapped IPv6 is read as IPv4) lies in the CIDR. */
export function cidrContains(cidr: Cidr, address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let addr = ipaddr.parse(address);
  if (addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
  if (addr.kind() !== cidr.address.kind()) return false;
  return addr.kind() === "ipv4"
    ? (addr as ipaddr.IPv4).match(cidr.address as ipaddr.IPv4, cidr.prefix)
    : (addr as ipaddr.IPv6).match(cidr.address as ipaddr.IPv6, cidr.prefix);
}
