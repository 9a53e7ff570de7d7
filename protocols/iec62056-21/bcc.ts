// IEC 62056-21 block check character (ISO 1155): XOR of every byte after the SOH or STX that
// opens the message, up to and including the ETX (or EOT) that closes it.

export function bcc(bytes: Uint8Array, start: number, end: number): number {
  let x = 0;
  for (let i = start; i < end; i++) x ^= bytes[i] as number;
  return x;
}
