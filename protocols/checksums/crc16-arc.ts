// CRC-16/ARC (also CRC-16/IBM, CRC-16/LHA): poly 0x8005 reflected (0xA001), init 0x0000, no
// final XOR. DSMR P1 4.x/5.0 and e-MUCS print it as 4 hex digits after the '!' of a telegram.

const TABLE = (() => {
  const t = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-16/ARC of `bytes[start, end)`. Check value of "123456789" is 0xBB3D. */
export function crc16Arc(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ (TABLE[(crc ^ (bytes[i] as number)) & 0xff] as number);
  return crc & 0xffff;
}
