import { TextDecoder } from "node:util";

/**
 * Two kinds of damage feeds carry past a correct byte decoding, usually written as character
 * references so no decoder can see them:
 * - UTF-8 bytes read as windows-1252/Latin-1 and re-encoded ("â€™" for "’", "Ã©" for "é");
 * - windows-1252 code points used as Unicode code points (U+0092 for "’"), which the HTML
 *   standard repairs for numeric references (WHATWG HTML §13.2.5.80) and XML parsers do not.
 */

/** windows-1252 bytes 0x80–0x9F that are printable characters, keyed by the character. */
const CP1252_HIGH: ReadonlyArray<readonly [string, number]> = [
  ["\u20AC", 0x80],
  ["\u201A", 0x82],
  ["\u0192", 0x83],
  ["\u201E", 0x84],
  ["\u2026", 0x85],
  ["\u2020", 0x86],
  ["\u2021", 0x87],
  ["\u02C6", 0x88],
  ["\u2030", 0x89],
  ["\u0160", 0x8a],
  ["\u2039", 0x8b],
  ["\u0152", 0x8c],
  ["\u017D", 0x8e],
  ["\u2018", 0x91],
  ["\u2019", 0x92],
  ["\u201C", 0x93],
  ["\u201D", 0x94],
  ["\u2022", 0x95],
  ["\u2013", 0x96],
  ["\u2014", 0x97],
  ["\u02DC", 0x98],
  ["\u2122", 0x99],
  ["\u0161", 0x9a],
  ["\u203A", 0x9b],
  ["\u0153", 0x9c],
  ["\u017E", 0x9e],
  ["\u0178", 0x9f],
];
const BYTE_OF = new Map<string, number>(CP1252_HIGH);
const CHAR_OF = new Map<number, string>(CP1252_HIGH.map(([ch, byte]) => [byte, ch]));

/** A character standing for a UTF-8 continuation byte (0x80–0xBF) under Latin-1 or windows-1252. */
const CONT = `[\\u0080-\\u00BF${CP1252_HIGH.map(([ch]) => ch).join("")}]`;
/** Lead byte plus exactly the continuation bytes it announces (RFC 3629 §4). */
const MOJIBAKE = new RegExp(`[\\u00C2-\\u00DF]${CONT}|[\\u00E0-\\u00EF]${CONT}{2}|[\\u00F0-\\u00F4]${CONT}{3}`, "g");

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function byteOf(ch: string): number {
  return BYTE_OF.get(ch) ?? ch.charCodeAt(0);
}

/** Undo UTF-8-read-as-windows-1252; a sequence that is not valid UTF-8 (e.g. overlong) is left alone. */
export function repairMojibake(s: string): string {
  return s.replace(MOJIBAKE, (seq) => {
    try {
      return strictUtf8.decode(Uint8Array.from([...seq].map(byteOf)));
    } catch {
      return seq;
    }
  });
}

/** C1 controls as the windows-1252 characters they were meant to be; the five unassigned ones are dropped. */
export function repairC1Controls(s: string): string {
  return s.replace(/[\u0080-\u009F]/g, (ch) => CHAR_OF.get(ch.charCodeAt(0)) ?? "");
}

export function repairText(s: string): string {
  return repairC1Controls(repairMojibake(s));
}
