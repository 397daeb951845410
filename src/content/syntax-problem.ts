import { contentProblem } from '../errors.js';

/**
 * A YAML or JSON file that does not parse, as a ContentError problem naming the line and column: js-yaml gives them
 * in `mark`, JSON.parse as "line L column C", a character position or the end of the input, counted here into a line.
 */
export function syntaxProblem(file: string, text: string, error: unknown): string {
  const kind = file.endsWith('.json') ? 'JSON' : 'YAML';
  const { message, mark } = error as { message: string; mark?: { line: number; column: number } };
  const reason = (mark ? (error as { reason?: string }).reason : undefined) ?? message.split('\n')[0]!;
  return contentProblem(file, placeOf(text, message, mark), `not valid ${kind}: ${reason}`);
}

function placeOf(text: string, message: string, mark?: { line: number; column: number }): string {
  if (mark) return `line ${mark.line + 1}, column ${mark.column + 1}`;
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return `line ${lineColumn[1]}, column ${lineColumn[2]}`;
  const position = /position (\d+)/.exec(message)?.[1] ?? (/end of JSON input/.test(message) ? text.length : null);
  if (position === null) return 'line 1';
  const before = text.slice(0, Number(position)).split('\n');
  return `line ${before.length}, column ${before.at(-1)!.length + 1}`;
}
