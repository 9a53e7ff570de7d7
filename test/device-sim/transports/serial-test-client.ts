// The client's end of a pty for tests: collects what the device sends and hands it out by byte
// count or until a predicate holds, without sleeping.
import { SerialPort } from 'serialport';

export class SerialTestClient {
  private bytes: number[] = [];
  private waiters: Array<() => void> = [];

  private constructor(private readonly port: SerialPort) {
    port.on('data', (chunk: Buffer) => {
      for (const b of chunk) this.bytes.push(b);
      const w = this.waiters;
      this.waiters = [];
      for (const f of w) f();
    });
  }

  static open(path: string, baudRate = 9600): Promise<SerialTestClient> {
    return new Promise((resolve, reject) => {
      const port: SerialPort = new SerialPort({ path, baudRate }, (err) => (err ? reject(err) : resolve(new SerialTestClient(port))));
    });
  }

  write(bytes: Uint8Array | number[]): void {
    this.port.write(Buffer.from(bytes));
  }

  get received(): number {
    return this.bytes.length;
  }

  /** Waits until `n` bytes are in and takes them. */
  async take(n: number): Promise<Uint8Array> {
    while (this.bytes.length < n) await new Promise<void>((r) => this.waiters.push(r));
    return Uint8Array.from(this.bytes.splice(0, n));
  }

  /** Waits until the bytes received so far satisfy `done`, then takes them all. */
  async takeUntil(done: (bytes: Uint8Array) => boolean): Promise<Uint8Array> {
    while (!done(Uint8Array.from(this.bytes))) await new Promise<void>((r) => this.waiters.push(r));
    return Uint8Array.from(this.bytes.splice(0));
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.port.isOpen ? this.port.close(() => resolve()) : resolve()));
  }
}
