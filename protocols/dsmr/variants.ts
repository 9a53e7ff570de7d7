// The P1 variants the decoder reads, as data: what tells them apart on the wire and where the
// evidence comes from (test/fixtures/conformance and test/fixtures/captures). The decoder does
// not branch on these; docs/meter-formats.md is generated from them.

export interface P1Variant {
  name: string;
  countries: string;
  /** Identification lines seen in real telegrams. */
  headers: string[];
  versionLine: string;
  crc: string;
  units: string;
  equipmentId: string;
  /** Fixture ids that hold real telegrams of this variant. */
  evidence: string[];
}

export const P1_VARIANTS: readonly P1Variant[] = [
  {
    name: 'DSMR 2.2 / 3.0', countries: 'NL', headers: ['/ISk5\\2MT382-1004', '/KMP5 KA6U001660297912', '/ISk5\\MT382-1003'],
    versionLine: 'none', crc: "none ('!' alone): a kilo unit needs its decimals, a base unit is a whole number",
    units: 'kWh, kW; gas on a continuation line (0-n:24.3.0)', equipmentId: '0-0:96.1.1 (hex ASCII)',
    evidence: ['dsmr3-iskra-mt382-1004-go-iec62056', 'p1-nl-dsmr22-kamstrup-162-go-iec62056', 'p1-nl-dsmr30-kaifa-dsmr_parser'],
  },
  {
    name: 'DSMR 4.0 / 4.2', countries: 'NL', headers: ['/KFM5KAIFA-METER', '/XMX5LGBBFG1009021021'], versionLine: '1-3:0.2.8(40|42)',
    crc: 'CRC-16/ARC, 4 hex digits', units: 'kWh, kW, V, A, m3', equipmentId: '0-0:96.1.1', evidence: ['dsmr42-kaifa-ma105-dsmr_parser-v4_2', 'dsmr40-landisgyr-e350-dsmr-reader'],
  },
  {
    name: 'DSMR 5.0 / 5.0.2', countries: 'NL, ES', headers: ['/ISK5\\2M550T-1012', '/Ene5\\T210-D ESMR5.0', '/CTA5ZIV-METER'], versionLine: '1-3:0.2.8(50)',
    crc: 'CRC-16/ARC', units: 'kWh, kW, V, A, m3 (M-Bus 0-n:24.2.1)', equipmentId: '0-0:96.1.1', evidence: ['dsmr5-iskra-am550-go-iec62056', 'p1-nl-dsmr50-two-mbus-dsmr_parser', 'p1-es-ziv-5cta3-go-iec62056'],
  },
  {
    name: 'e-MUCS (Fluvius)', countries: 'BE', headers: ['/FLU5\\253769484_A'], versionLine: '0-0:96.1.4(50217)', crc: 'CRC-16/ARC',
    units: 'kWh, kW, V, A, m3 (gas 0-n:24.2.3)', equipmentId: '0-0:96.1.1', evidence: ['dsmr-emucs171-fluvius-meterlogger', 'p1-be-emucs-fluvius-alt-dsmr_parser'],
  },
  {
    name: 'Smarty / Sagemcom T210-D', countries: 'LU, AT, HU', headers: ['/EST5\\253710000_A', '/SAG5SAG-METER'], versionLine: '1-3:0.2.8(50) or none',
    crc: 'CRC-16/ARC; in LU the whole telegram comes AES-128-GCM ciphered (DB … frame, decodeP1Ciphered with the operator\'s keys)', units: 'Wh, W, varh, var (AT) or kWh, kW, kvarh (HU)', equipmentId: '0-0:96.1.1, else 0-0:96.1.0, else 0-0:42.0.0 (logical device name)',
    evidence: ['p1-at-sagemcom-t210-d-r-dsmr_parser', 'p1-hu-eon-sagemcom-dsmr_parser'],
  },
  {
    name: 'Nordic HAN-P1', countries: 'SE, DK, NO', headers: ['/KAM5', '/LGF5E360', '/NES5:83335-3E'], versionLine: 'none', crc: 'CRC-16/ARC',
    units: 'kWh, kW, kvarh, kVAr, V, A (per-phase 21/41/61.7.0)', equipmentId: 'usually none (0-0:96.1.0 where sent)',
    evidence: ['dsmr-kamstrup-omnia-se-dsmr-reader', 'p1-se-landisgyr-e360-amsreader-gh382-1', 'p1-dk-landisgyr-e360-amsreader-gh497-1', 'p1-dk-nes-83335-amsreader-gh712-1', 'p1-no-kamstrup-ct-amsreader-gh699-1'],
  },
  {
    name: 'Slovenian AM550 P1', countries: 'SI', headers: ['/ISK9\\2M551T-200'], versionLine: 'none', crc: "none ('!' alone)",
    units: 'kWh, kW, V, A', equipmentId: '0-0:96.1.0', evidence: ['p1-si-iskra-am550-amsreader-gh1037-1'],
  },
  {
    name: 'Irish P1 (ESB)', countries: 'IE', headers: ['/ISk5\\2MIE5T-200'], versionLine: 'none', crc: 'CRC-16/ARC',
    units: 'kWh, kW', equipmentId: '0-0:96.1.0', evidence: ['dsmr-iskra-ie-mie5t-200-dsmr_parser'],
  },
];
