/** One palette for every chart, readable on the dark background. */
const COLORS = ['#5eb1ff', '#ffb454', '#7ee787', '#f778ba', '#d2a8ff', '#ff7b72', '#79c0ff', '#e3b341'] as const;

export const STAGE_COLORS: Readonly<Record<string, string>> = {
  ingest: '#5eb1ff',
  'stream-ingest': '#d2a8ff',
  normalizer: '#7ee787',
};

export const AXIS = { stroke: '#8b949e', fontSize: 12 } as const;
export const GRID = '#30363d';
export const TOOLTIP_STYLE = { background: '#161b22', border: '1px solid #30363d', borderRadius: 6, color: '#e6edf3' } as const;

export function colorAt(index: number): string {
  return COLORS[index % COLORS.length] ?? '#5eb1ff';
}
