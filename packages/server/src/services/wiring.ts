import { InvalidStateError } from '@bursar/core';
import { openAuthorizationsOfSpend } from '../store/cards.js';
import type { SpendRow } from '../store/rows.js';
import { resolveCardAuthorization } from './cards/authorizations.js';
import { intentCancelledWithAgent, intentDeclinedWithAgent, intentSettledByAuthorization } from './cards/checkout.js';
import { asSystem, type ServiceContext } from './context.js';
import { decidePaymentApproval } from './control/payments.js';
import { registerKind, type KindDefinition } from './spend/kinds.js';
import { presentSpend } from './spend/present.js';
import { presentReservation, reservationStatusOf } from './spend/present.js';

/**
 * Where the kinds of hold are wired to the shared lifecycle, in one place (as trigger.dev wires
 * its run engine's systems): each kind's id prefix, event family, wording and hooks. Imported
 * for its effect by the entry points (the HTTP app, the server); the lifecycle finds a kind
 * through `kindOf`.
 */

/** A spend request's event: `spend_request.<status>`, the request as /v1 shows it. */
const spendRequestEvent = (row: SpendRow, publicUrl: string) => ({ type: `spend_request.${row.status}`, object: presentSpend(row, publicUrl) });

/** A card authorization drawn on a hold has nothing left to capture once the hold is gone: reversed now, not at its expiry. */
async function reverseAuthorizationsOf(ctx: ServiceContext, row: SpendRow): Promise<void> {
  for (const a of await openAuthorizationsOfSpend(ctx.tx, row.id)) await resolveCardAuthorization({ ctx: asSystem(ctx), input: { id: a.id, action: 'reverse' } });
}

const kinds: KindDefinition[] = [
  { kind: 'spend', prefix: 'req', listedAsRequest: true, withdrawnWhilePending: true, event: spendRequestEvent },
  {
    kind: 'payment', prefix: 'req', listedAsRequest: true, withdrawnWhilePending: true, event: spendRequestEvent,
    // A control-plane payment waiting on its approval follows it (executed after commit when approved).
    onApprovalDecided: decidePaymentApproval,
  },
  { kind: 'card', prefix: 'req', listedAsRequest: true, withdrawnWhilePending: false, event: spendRequestEvent, onAgentRevoked: reverseAuthorizationsOf },
  {
    kind: 'reservation', prefix: 'res', listedAsRequest: false, withdrawnWhilePending: false,
    event: (row, publicUrl) => {
      const r = presentReservation(row, publicUrl);
      return { type: `reservation.${r.status}`, object: r };
    },
    // A reservation is 'captured' or 'released', not 'completed'.
    unsettleable: (row, action) => {
      const status = reservationStatusOf(row.status);
      return new InvalidStateError(`Reservation ${row.id} is ${status}; only a reserved reservation can be ${action === 'complete' ? 'captured' : 'released'}`, { status });
    },
  },
  {
    kind: 'checkout', prefix: 'ci', listedAsRequest: false, withdrawnWhilePending: false, event: spendRequestEvent,
    onAgentRevoked: async (ctx, row) => {
      await reverseAuthorizationsOf(ctx, row);
      await intentCancelledWithAgent(ctx, row.id);
    },
    onDeclinedWithAgent: (ctx, row) => intentDeclinedWithAgent(ctx, row.id),
    onCardAuthorizationResolved: intentSettledByAuthorization,
  },
];
for (const k of kinds) registerKind(k);
