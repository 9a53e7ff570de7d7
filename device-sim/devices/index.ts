// Simulated devices on real transports: what the fleet builds a block from. The contract with
// the physics is simulated-device.ts (truth in, setpoints out, faults, endpoints).
export * from './simulated-device.js';
export { FaultSwitch, ReportedValues, MODBUS_EXCEPTION_CODES } from './faults.js';
export { ModbusDevice, type ModbusDeviceModel, type ModbusDeviceOptions, type ModelSetpoint, type WriteOutcome } from './modbus-device.js';
export { RegisterImage, type ReadRules, type RegisterTable } from './register-image.js';
export { definitionModel, type DefinitionModelOptions } from './definition-model.js';
export { sunspecInverterModel, sunspecStorageModel, SUNSPEC_BASE_ADDRESS, type SunSpecInverterOptions, type SunSpecStorageOptions } from './sunspec-models.js';
export { HanMeter, hanListAt, type HanMeterOptions } from './han-meter.js';
export { P1Meter, p1PeriodMs, type P1MeterOptions } from './p1-meter.js';
export { FirmataBoard, type FirmataBoardOptions, type S0PinOptions } from './firmata-board.js';
export { S0PulseOutput, DIN_43864_MIN_PULSE_MS, type S0PulseOutputOptions } from './s0-pulse-output.js';
