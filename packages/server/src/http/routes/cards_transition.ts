import { cardSchema, idParam } from '@bursar/core';
import { changeCardStatus } from '../../services/cards/transitions.js';
import { run } from '../call.js';
import { bearerAuth, noBody, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

const summaries = {
  freeze: 'Freeze a card: its authorizations are declined until unfrozen (checkout intents it funds keep their holds)',
  unfreeze: 'Unfreeze a frozen card',
  cancel: 'Cancel a card for good: checkout intents it funds are cancelled and release their holds (open authorizations can still be captured or reversed)',
} as const;

/** POST /v1/cards/:id/freeze, /unfreeze and /cancel. */
export function register(app: App, deps: Deps) {
  for (const transition of ['freeze', 'unfreeze', 'cancel'] as const) {
    app.route({
      method: 'POST',
      url: `/v1/cards/:id/${transition}`,
      config: { auth: 'management' },
      schema: {
        tags: ['Cards'],
        summary: summaries[transition],
        description: 'A card already in the target state answers as it is; a transition its status does not allow is 409 invalid_state.',
        security: bearerAuth,
        body: noBody,
        params: idParam,
        response: responses({ 200: cardSchema }),
      },
      handler: (req) => run(deps, req, (ctx) => changeCardStatus({ ctx, input: { id: req.params.id, transition } })),
    });
  }
}
