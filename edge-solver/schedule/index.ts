// The day-ahead community schedule (Lüth et al. 2018, extended to blocks joined by DSO lines).
export type { BatterySpec, ScheduleBlock, ScheduleBuilding, ScheduleCase, ScheduleLine } from './case.js';
export { assertValidCase } from './case.js';
export type { CapacityTariff, MarketDesign, ResolvedOptions, ScheduleOptions } from './options.js';
export { resolveOptions } from './options.js';
export type { ScheduleModel, BuildingIndex, BlockIndex, LineIndex, BatteryIndex } from './build-model.js';
export { buildScheduleModel } from './build-model.js';
export type { BatterySchedule, BlockSchedule, BuildingSchedule, LineSchedule } from './result.js';
export type { ScheduleKpis } from './kpis.js';
export type { ScheduleErrorKind, ScheduleResult } from './solve.js';
export { solveSchedule } from './solve.js';
export type { CsvCaseError, CsvCaseErrorKind, CsvCaseOptions } from './csv-case.js';
export { parseCaseCsv } from './csv-case.js';
export type { PriceRange } from './price-range.js';
export { blockPriceRanges } from './price-range.js';
