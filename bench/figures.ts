/** One row of the `npm run bench` table. `met` is set where there is a budget: false fails the run (exit code 1). */
export interface Figure {
  value: string;
  budget?: string;
  met?: boolean;
}

export type Figures = Record<string, Figure>;

export const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Prints figures as `name: value (budget …)` lines, for the modules run on their own. */
export function printFigures(figures: Figures): void {
  for (const [name, { value, budget, met }] of Object.entries(figures)) {
    console.log(`${name}: ${value}${budget ? ` (budget ${budget}${met === false ? ', NOT MET' : ''})` : ''}`);
  }
}
