// The uplink's services from their config sections, for the daemon's service list: the
// uplink itself, anchoring (when enabled) and automatic payment (when enabled and the market
// provides its inputs). The seed is the gateway's 32-byte Ed25519 identity seed.
import { AnchorService } from '../anchor/anchor-service.js';
import type { PaymentConfig } from '../payment/config.js';
import { PaymentService, type PaymentInputs } from '../payment/payment-service.js';
import type { Service } from '../services/service.js';
import type { UplinkConfig } from './config.js';
import { UplinkService } from './uplink-service.js';

export interface UplinkServicesInput {
  uplink?: UplinkConfig;
  payment?: PaymentConfig;
  /** From the market (roster and final results); payment stays off without it. */
  paymentInputs?: PaymentInputs;
  seed: Uint8Array;
}

export function buildUplinkServices(input: UplinkServicesInput): Service[] {
  const services: Service[] = [];
  if (input.uplink?.enabled) {
    services.push(new UplinkService({ config: input.uplink }));
    if (input.uplink.anchor.enabled) services.push(new AnchorService({ config: input.uplink.anchor, seed: input.seed }));
  }
  if (input.payment?.enabled && input.paymentInputs) services.push(new PaymentService({ config: input.payment, seed: input.seed, inputs: input.paymentInputs }));
  return services;
}
