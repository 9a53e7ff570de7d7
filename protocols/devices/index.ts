// Every device definition the gateway and the simulator know, by id. Adding a meter model is
// adding a file here and a line below; docs/devices.md is generated from this list.
import type { DeviceDefinition } from '../modbus/registers.js';
import { abbB23B24 } from './abb-b23-b24.js';
import { carloGavazziEm24 } from './carlo-gavazzi-em24.js';
import { carloGavazziEm340 } from './carlo-gavazzi-em340.js';
import { eastronSdm120 } from './eastron-sdm120.js';
import { eastronSdm630 } from './eastron-sdm630.js';
import { eastronSdm72dM } from './eastron-sdm72d-m.js';
import { eastronSdm72dMV2 } from './eastron-sdm72d-m-v2.js';

export const DEVICE_DEFINITIONS: readonly DeviceDefinition[] = [
  eastronSdm630,
  eastronSdm120,
  eastronSdm72dM,
  eastronSdm72dMV2,
  carloGavazziEm24,
  carloGavazziEm340,
  abbB23B24,
];

export function findDefinition(id: string): DeviceDefinition | undefined {
  return DEVICE_DEFINITIONS.find((d) => d.id === id);
}

export { abbB23B24, carloGavazziEm24, carloGavazziEm340, eastronSdm120, eastronSdm630, eastronSdm72dM, eastronSdm72dMV2 };
