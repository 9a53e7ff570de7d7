// The demo's default prices for a Trondheim district, as data with their sources named (also in
// docs/demo.md): an NO3 day-ahead spot profile for a summer day, Tensio TS's energy tariff
// (energiledd, day 06–22 and night 22–06) and feed-in at spot. All are excl. VAT, in øre/kWh
// (NOK minor units); the demo runner may override every one of them.
import { intervalsOfLocalDay } from '../../core/intervals.js';
import { zoneOffsetMs } from '../../core/time-zone.js';

export interface PriceSource {
  what: string;
  source: string;
  /** 'published': the figure itself was published there; 'assumption': see `reasoning`. */
  kind: 'published' | 'assumption';
  reasoning?: string;
}

export const DEMO_TIME_ZONE = 'Europe/Oslo';
export const DEMO_CURRENCY = 'NOK' as const;

/**
 * NO3 (Midt-Norge, Nord Pool area "Tr.heim") spot, øre/kWh excl. VAT, by local hour 00–23.
 * An assumption fitted to the three figures NTB published for a Friday in June 2023 (mn24.no,
 * "Slik blir strømprisen i Midt-Norge fredag", https://www.mn24.no/nyheter/i/kE1Kl9/; the year
 * from the forbruksavgift it quotes, 15.84 øre): average 30.3, lowest 23.7 (05–06), highest
 * 38.2 (18–19). No real hourly NO3 series of a named summer day was found in the sources we
 * could read, so the shape between those points (a night trough, a morning and an evening
 * peak) is ours; the average, the minimum and the maximum and their hours are the published ones.
 */
export const NO3_SUMMER_SPOT_ORE_PER_KWH: readonly number[] = [
  28.0, 26.9, 25.8, 25.1, 24.5, 23.7, 25.7, 28.9, 32.1, 33.0, 32.3, 31.4, 30.1, 29.2, 29.0, 29.9, 32.8, 36.1, 38.2, 37.4, 34.6, 32.5, 30.7, 29.3,
];

/**
 * Tensio TS (the grid company of Trondheim, former Sør-Trøndelag) energiledd for households
 * from 2026-07-01, as published incl. 25 % VAT, forbruksavgift and the Enova levy: day
 * (06–22) 37.79 øre/kWh, night (22–06) 23.79 øre/kWh. Read from Tensio's price page through
 * the preset jkaberg/hass-powerplan tests/fixtures/presets/no/tensio-ts.json (which cites
 * tensio.no/no/kunde/nettleie/nettleiepriser-for-privat). Here without VAT (÷ 1.25), levies
 * kept: the spot prices are quoted without VAT too.
 */
export const TENSIO_TS_ENERGILEDD = {
  validFrom: '2026-07-01',
  dayInclVatOrePerKWh: 37.79,
  nightInclVatOrePerKWh: 23.79,
  /** Local hours [from, to) of the day rate. */
  dayHours: [6, 22] as const,
  vatRate: 0.25,
} as const;

export const PRICE_SOURCES: readonly PriceSource[] = [
  {
    what: 'NO3 day-ahead spot profile (hourly, øre/kWh excl. VAT)',
    source: 'NTB via mn24.no, "Slik blir strømprisen i Midt-Norge fredag" (a Friday in June 2023, https://www.mn24.no/nyheter/i/kE1Kl9/): average 30.3, min 23.7 at 05–06, max 38.2 at 18–19 øre/kWh, from Nord Pool',
    kind: 'assumption',
    reasoning: 'the published daily average, minimum and maximum with their hours are kept exactly; the hourly shape between them is assumed (no real hourly NO3 series of a named summer day was found)',
  },
  {
    what: 'grid tariff, energiledd day 06–22 / night 22–06',
    source: 'Tensio TS household tariff from 2026-07-01 (https://www.tensio.no/no/kunde/nettleie/nettleiepriser-for-privat, read via jkaberg/hass-powerplan tests/fixtures/presets/no/tensio-ts.json): 37.79 / 23.79 øre/kWh incl. VAT and levies',
    kind: 'published',
  },
  {
    what: 'feed-in price',
    source: 'the spot price of the hour (what Norwegian suppliers typically pay plusskunder), no markup',
    kind: 'assumption',
    reasoning: 'suppliers differ; spot is the common default and keeps feed-in below import + tariff as the clearing requires',
  },
];

export interface DemoPriceOptions {
  /** Local calendar day, YYYY-MM-DD. */
  date: string;
  timeZone?: string;
  intervalMs?: number;
  /** 24 hourly spot prices, øre/kWh (minor units), excl. VAT. */
  spotByHourMinorPerKWh?: readonly number[];
  /** Added to spot for the retail price a building pays (0: spot only). */
  supplierMarkupMinorPerKWh?: number;
  tariffDayMinorPerKWh?: number;
  tariffNightMinorPerKWh?: number;
  /** Feed-in = spot + this (0: feed-in at spot). */
  feedInOffsetMinorPerKWh?: number;
}

export interface IntervalGridPrices {
  /** ISO 8601 UTC. */
  intervalStart: string;
  spotMinorPerKWh: number;
  gridImportPriceMinorPerKWh: number;
  gridTariffMinorPerKWh: number;
  gridExportPriceMinorPerKWh: number;
}

/** The published tariff without VAT, whole øre (book prices are integers). */
export function tariffExclVatMinorPerKWh(inclVat: number): number {
  return Math.round(inclVat / (1 + TENSIO_TS_ENERGILEDD.vatRate));
}

/** Grid prices of every market interval of the local day, with the defaults where not overridden. */
export function demoGridPrices(options: DemoPriceOptions): IntervalGridPrices[] {
  const timeZone = options.timeZone ?? DEMO_TIME_ZONE;
  const spot = options.spotByHourMinorPerKWh ?? NO3_SUMMER_SPOT_ORE_PER_KWH;
  if (spot.length !== 24) throw new Error(`spotByHourMinorPerKWh needs 24 hourly prices, got ${spot.length}`);
  const markup = options.supplierMarkupMinorPerKWh ?? 0;
  const day = options.tariffDayMinorPerKWh ?? tariffExclVatMinorPerKWh(TENSIO_TS_ENERGILEDD.dayInclVatOrePerKWh);
  const night = options.tariffNightMinorPerKWh ?? tariffExclVatMinorPerKWh(TENSIO_TS_ENERGILEDD.nightInclVatOrePerKWh);
  const feedInOffset = options.feedInOffsetMinorPerKWh ?? 0;
  const [dayFrom, dayTo] = TENSIO_TS_ENERGILEDD.dayHours;
  return intervalsOfLocalDay(options.date, timeZone, options.intervalMs).map((startMs) => {
    const localHour = new Date(startMs + zoneOffsetMs(timeZone, startMs)).getUTCHours();
    const spotMinor = Math.round(spot[localHour]!);
    const tariff = localHour >= dayFrom && localHour < dayTo ? day : night;
    return {
      intervalStart: new Date(startMs).toISOString(),
      spotMinorPerKWh: spotMinor,
      gridImportPriceMinorPerKWh: spotMinor + markup,
      gridTariffMinorPerKWh: tariff,
      gridExportPriceMinorPerKWh: spotMinor + feedInOffset,
    };
  });
}
