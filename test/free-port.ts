// A TCP port free on loopback right now, for a server a test starts (brokers, databases, APIs):
// the product's own probe (gateway/demo/loopback-port.ts).
export { freeLoopbackPort as freePort } from '../gateway/demo/loopback-port.js';
