/**
 * `npm run nlu:export`: every training example of intents/ as JSON lines `{"text", "intent"}` on stdout, after the
 * same validation as start-up (to feed another tool, or to diff the data between two versions).
 */
import { join } from 'node:path';
import { loadTrainingData } from '../src/content/training-data.js';

// `npm run nlu:export | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

const intentsDir = process.env.INTENTS_DIR ?? join(import.meta.dirname, '../intents');
try {
  const lines = (await loadTrainingData(intentsDir)).map(({ text, intent }) => JSON.stringify({ text, intent }));
  process.stdout.write(`${lines.join('\n')}\n`);
} catch (error) {
  if ((error as Error).name !== 'ContentError') throw error;
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
}
