/**
 * A strict reader of the Prometheus text exposition format 0.0.4
 * (prometheus.io/docs/instrumenting/exposition_formats): it throws, naming the line, on
 * anything a Prometheus server would refuse or misread.
 */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Exposition {
  readonly types: ReadonlyMap<string, string>;
  readonly samples: readonly Sample[];
}

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const HELP_LINE = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE_LINE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SAMPLE_LINE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`);
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(?:,|$)/;
const SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  counter: [""],
  gauge: [""],
  untyped: [""],
  histogram: ["_bucket", "_sum", "_count"],
  summary: ["", "_sum", "_count"],
};

export function parseExposition(text: string): Exposition {
  if (!text.endsWith("\n")) throw new Error("exposition: the text must end with a line feed");
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const lines = text.slice(0, -1).split("\n");
  lines.forEach((line, index) => {
    const where = `exposition line ${index + 1} "${line}"`;
    if (line === "") return; // the format ignores empty lines; prom-client separates families with one
    if (line.startsWith("# HELP ")) {
      if (!HELP_LINE.test(line)) throw new Error(`${where}: malformed HELP`);
      return;
    }
    const type = TYPE_LINE.exec(line);
    if (type) {
      const [, name = "", kind = ""] = type;
      if (types.has(name)) throw new Error(`${where}: a second TYPE for ${name}`);
      types.set(name, kind);
      return;
    }
    if (line.startsWith("#")) throw new Error(`${where}: neither a sample nor HELP/TYPE`);
    const sample = readSample(line, where);
    if (familyOf(sample.name, types) === undefined) throw new Error(`${where}: no TYPE declared before ${sample.name}`);
    samples.push(sample);
  });
  return { types, samples };
}

function readSample(line: string, where: string): Sample {
  const match = SAMPLE_LINE.exec(line);
  if (!match) throw new Error(`${where}: malformed sample`);
  const [, name = "", labelText = "", valueText = ""] = match;
  const labels: Record<string, string> = {};
  let rest = labelText;
  while (rest !== "") {
    const label = LABEL.exec(rest);
    if (!label) throw new Error(`${where}: malformed labels`);
    const [whole, key = "", value = ""] = label;
    if (key in labels) throw new Error(`${where}: label ${key} repeated`);
    labels[key] = value.replace(/\\(["\\n])/g, (_all, c: string) => (c === "n" ? "\n" : c));
    rest = rest.slice(whole.length);
  }
  return { name, labels, value: readFloat(valueText, where) };
}

/**
 * Prometheus reads values with Go's strconv.ParseFloat, which takes NaN and [+-]Inf(inity) in
 * any case (prom-client writes "Nan" for an empty event-loop histogram).
 */
function readFloat(text: string, where: string): number {
  const special = /^([+-]?)(inf|infinity)$/i.exec(text);
  if (special) return special[1] === "-" ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return Number.NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text))
    throw new Error(`${where}: value "${text}" is not a float`);
  return Number(text);
}

function familyOf(sampleName: string, types: ReadonlyMap<string, string>): string | undefined {
  for (const [family, kind] of types) {
    if ((SUFFIXES[kind] ?? [""]).some((suffix) => sampleName === family + suffix)) return family;
  }
  return undefined;
}

/** The value of the one sample with this name and these labels (others may be present). */
export function valueOf(
  exposition: Exposition,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  const matches = exposition.samples.filter(
    (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  if (matches.length > 1)
    throw new Error(`exposition: ${matches.length} samples match ${name} ${JSON.stringify(labels)}`);
  return matches[0]?.value;
}
