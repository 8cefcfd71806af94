// Runs the tool server against a Bursar:
//   BURSAR_API_KEY=bsk_test_… [BURSAR_API_URL=http://127.0.0.1:4242] [PORT=8788] npm start
import { createWrapper } from './wrapper.js';

const apiKey = process.env.BURSAR_API_KEY;
if (!apiKey) {
  console.error('Set BURSAR_API_KEY to the agent\'s spending key (bsk_…). It stays in this process; the model never sees it.');
  process.exit(2);
}
const port = Number(process.env.PORT ?? 8788);
const server = createWrapper({ apiKey, bursarUrl: process.env.BURSAR_API_URL ?? 'http://127.0.0.1:4242' });
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  console.log(`agent-spend-wrapper listening on http://127.0.0.1:${actual} (tools under /tools, OpenAPI at /openapi.json)`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => server.close(() => process.exit(0)));
