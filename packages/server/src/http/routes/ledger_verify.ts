import { ledgerVerifySchema } from '@bursar/core';
import { verifyWorkspaceLedger } from '../../services/money/ledger.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/ledger/verify',
    config: { auth: 'management' },
    schema: {
      tags: ['Ledger'],
      summary: 'Replay every hash chain and balance',
      description: 'ok: true, or the first broken link: which wallet, which transaction, and what is wrong.',
      security: bearerAuth,
      response: responses({ 200: ledgerVerifySchema }),
    },
    handler: (req) => run(deps, req, (ctx) => verifyWorkspaceLedger({ ctx })),
  });
}
