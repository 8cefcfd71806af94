import { ledgerTransactionSchema, listLedgerQuery, listOf } from '@bursar/core';
import { listLedger } from '../../services/money/ledger.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/ledger/transactions',
    config: { auth: 'management' },
    schema: {
      tags: ['Ledger'],
      summary: 'Ledger transactions with their postings, newest first',
      security: bearerAuth,
      querystring: listLedgerQuery,
      response: responses({ 200: listOf(ledgerTransactionSchema) }),
    },
    handler: (req) => run(deps, req, (ctx) => listLedger({ ctx, input: req.query })),
  });
}
