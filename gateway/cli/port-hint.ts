// `nabo read` / `nabo check` on a serial port that another program holds: serialport says
// "Cannot lock port"; an installer needs to hear that it is most likely the running daemon.

const LOCKED = /cannot lock port|resource temporarily unavailable/i;

export const PORT_HELD_HINT = 'the port is held by another program, most likely the running gateway (`nabo run`): see `nabo status`, or stop the daemon to read the device here';

/** The error with the hint appended when it says the port is locked by someone else. */
export function explainPortError(message: string): string {
  return LOCKED.test(message) ? `${message} (${PORT_HELD_HINT})` : message;
}
