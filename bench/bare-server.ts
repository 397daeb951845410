import Fastify from 'fastify';

/** The yardstick: a bare Fastify route on this machine, in its own process like the service. */
const app = Fastify({ logger: false });
app.get('/bare', async () => ({ status: 'ok' }));
app.post('/bare', async () => ({ status: 'ok' }));
const port = Number(process.env.PORT ?? 0);
await app.listen({ port, host: '127.0.0.1' });
process.send?.({ port: (app.server.address() as { port: number }).port });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
