// CRC-16/X-25 (HDLC FCS, ISO/IEC 13239): poly 0x1021 reflected (0x8408), init 0xFFFF,
// xorout 0xFFFF. On the wire the result goes least-significant byte first.

const TABLE = (() => {
  const t = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x8408 : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-16/X-25 of `bytes[start, end)`. Check value of "123456789" is 0x906E. */
export function crc16X25(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ (TABLE[(crc ^ (bytes[i] as number)) & 0xff] as number);
  return (crc ^ 0xffff) & 0xffff;
}

/** True when the two bytes at `at` (LSB first) hold the CRC of `bytes[start, at)`. */
export function crc16X25Matches(bytes: Uint8Array, start: number, at: number): boolean {
  if (at + 2 > bytes.length) return false;
  const crc = crc16X25(bytes, start, at);
  return bytes[at] === (crc & 0xff) && bytes[at + 1] === crc >>> 8;
}
