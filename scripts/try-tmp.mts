import { buildEngine } from './real-eval.js';
const { engine } = await buildEngine();
for (const text of process.argv.slice(2)) {
  const r: any = await engine.handle({ channel: 'web', userId: 'x' + Math.random(), text } as any);
  console.log(text, '=>', JSON.stringify((r.replies ?? r).map((x: any) => [x.source, x.text?.slice(0, 60)])));
}
