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
import { abbB21 } from './abb-b21.js';
import { chintDtsu666 } from './chint-dtsu666.js';
import { eastronSdm230 } from './eastron-sdm230.js';
import { finder7m24 } from './finder-7m24.js';
import { finder7m38 } from './finder-7m38.js';
import { ineproPro380 } from './inepro-pro380.js';
import { janitzaUmg604 } from './janitza-umg604.js';
import { ornoWe516 } from './orno-we516.js';
import { schneiderIem3000 } from './schneider-iem3000.js';
import { siemensPac2200 } from './siemens-pac2200.js';
import { socomecCountisE23 } from './socomec-countis-e23.js';
import { goodweEt } from './goodwe-et.js';
import { growattSph } from './growatt-sph.js';
import { huaweiSun2000 } from './huawei-sun2000.js';
import { kostalPlenticore } from './kostal-plenticore.js';
import { smaSunnyBoyStorage } from './sma-sunny-boy-storage.js';
import { smaSunnyTripower } from './sma-sunny-tripower.js';
import { solisHybrid } from './solis-hybrid.js';
import { sungrowSg } from './sungrow-sg.js';
import { sungrowSh } from './sungrow-sh.js';
import { victronGx } from './victron-gx.js';
import { froniusSymo } from './fronius-symo.js';
import { solaredgeSe } from './solaredge-se.js';
import { carloGavazziEm540 } from './carlo-gavazzi-em540.js';
import { ornoWe514 } from './orno-we514.js';
import { sunspec, type SunSpecDefinition } from './sunspec.js';

export const DEVICE_DEFINITIONS: readonly DeviceDefinition[] = [
  eastronSdm630,
  eastronSdm120,
  eastronSdm230,
  eastronSdm72dM,
  eastronSdm72dMV2,
  carloGavazziEm24,
  carloGavazziEm340,
  carloGavazziEm540,
  abbB23B24,
  abbB21,
  chintDtsu666,
  finder7m24,
  finder7m38,
  ineproPro380,
  janitzaUmg604,
  ornoWe514,
  ornoWe516,
  schneiderIem3000,
  siemensPac2200,
  socomecCountisE23,
  goodweEt,
  growattSph,
  huaweiSun2000,
  kostalPlenticore,
  smaSunnyBoyStorage,
  smaSunnyTripower,
  solisHybrid,
  sungrowSg,
  sungrowSh,
  victronGx,
  froniusSymo,
  solaredgeSe,
];

/** A fixed register map by id (the SunSpec device is found by `findAnyDefinition`). */
export function findDefinition(id: string): DeviceDefinition | undefined {
  return DEVICE_DEFINITIONS.find((d) => d.id === id);
}

/** The generic SunSpec device: its registers come from discovery, see protocols/devices/sunspec.ts. */
export const SUNSPEC_DEFINITION: SunSpecDefinition = sunspec;

export type AnyDeviceDefinition = DeviceDefinition | SunSpecDefinition;

/** Every known device: the fixed register maps, then the generic SunSpec device. */
export const ALL_DEFINITIONS: readonly AnyDeviceDefinition[] = [...DEVICE_DEFINITIONS, sunspec];

export function isSunSpecDefinition(def: AnyDeviceDefinition): def is SunSpecDefinition {
  return 'kind' in def && def.kind === 'sunspec';
}

export function findAnyDefinition(id: string): AnyDeviceDefinition | undefined {
  return ALL_DEFINITIONS.find((d) => d.id === id);
}

export { abbB23B24, carloGavazziEm24, carloGavazziEm340, eastronSdm120, eastronSdm630, eastronSdm72dM, eastronSdm72dMV2 };
