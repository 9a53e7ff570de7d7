// CRC-16/MODBUS (poly 0x8005 reflected = 0xA001, init 0xFFFF, no xorout). On the wire the low
// byte goes first. Table-driven: the simulator and the fuzz bench checksum millions of frames.

const TABLE: Uint16Array = (() => {
  const table = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** CRC of `bytes[start, end)` as a 16-bit register value (send low byte first). */
export function crc16Modbus(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  const stop = Math.min(end, bytes.length);
  for (let i = Math.max(0, start); i < stop; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ bytes[i]!) & 0xff]!;
  return crc;
}

/** True when the last two bytes of `frame` are the CRC of the bytes before them. */
export function hasValidModbusCrc(frame: Uint8Array): boolean {
  if (frame.length < 3) return false;
  const crc = crc16Modbus(frame, 0, frame.length - 2);
  return frame[frame.length - 2] === (crc & 0xff) && frame[frame.length - 1] === crc >>> 8;
}
