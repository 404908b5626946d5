/** Types of report.mjs for the tests (tests/bench/scale-report.test.ts); the schema is documented there. */
export interface ScaleResult {
  readonly phase: string;
  readonly title?: string;
  readonly x?: { readonly name: string; readonly label: string };
  readonly rows?: ReadonlyArray<{
    readonly x: number;
    readonly label?: string;
    readonly values?: Readonly<Record<string, number | null>>;
  }>;
  readonly columns?: Readonly<Record<string, { readonly label: string; readonly unit?: string }>>;
  readonly plots?: ReadonlyArray<{
    readonly title: string;
    readonly columns: readonly string[];
    readonly logX?: boolean;
    readonly logY?: boolean;
  }>;
  readonly goals?: ReadonlyArray<{ readonly text: string; readonly met: boolean; readonly value?: string }>;
  readonly notes?: readonly string[];
  readonly machine?: string;
  readonly at?: string;
}

export function loadResults(dir: string): Promise<ScaleResult[]>;
export function formatNumber(value: unknown): string;
export function renderMarkdown(results: readonly ScaleResult[]): string;
export function renderSvg(results: readonly ScaleResult[]): string;
export function writeReport(dir: string): Promise<string[]>;
