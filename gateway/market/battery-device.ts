// Whether the market section's battery is one nabo can steer, by its device's capabilities: the
// orders and the day-ahead plan offer its energy only then (otherwise it runs its own logic).
import type { NaboConfig } from '../config/schema.js';
import type { MarketConfig } from './config.js';

/** true or false by the device's battery-setpoint capability; undefined when no device is named or none in the config has that id. */
export function batteryTakesSetpoints(config: NaboConfig, market: MarketConfig): boolean | undefined {
  const deviceId = market.battery?.deviceId;
  if (deviceId === undefined) return undefined;
  const device = config.devices.find((d) => d.id === deviceId);
  return device ? device.capabilities.includes('battery-setpoint') : undefined;
}
