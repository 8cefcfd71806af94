import { verifyLedger } from '../../ledger/ledger.js';
import { listLedger as listLedgerRows } from '../../store/ledger.js';
import type { ServiceContext } from '../context.js';
import { presentLedger } from './present.js';

export async function listLedger({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { limit: number; cursor?: string | undefined; wallet_id?: string | undefined; spend_request_id?: string | undefined };
}) {
  const page = await listLedgerRows(ctx.tx, ctx.workspace.id, input, input.limit, input.cursor);
  return { ...page, data: page.data.map(presentLedger) };
}

export async function verifyWorkspaceLedger({ ctx }: { ctx: ServiceContext }) {
  return verifyLedger(ctx.tx, ctx.workspace.id);
}
