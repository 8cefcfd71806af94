import { ForbiddenError } from '@bursar/core';
import { isRootKey } from '../../store/workspaces.js';
import type { ServiceContext } from '../context.js';

/** True when the caller is the instance operator's root management key. */
export async function isRoot(ctx: ServiceContext): Promise<boolean> {
  return ctx.actor.type === 'operator' && (await isRootKey(ctx.tx, ctx.actor.keyId));
}

/** Guards the instance operator's endpoints: only a root management key passes. */
export async function requireRoot(ctx: ServiceContext): Promise<void> {
  if (!(await isRoot(ctx))) throw new ForbiddenError("Only the instance operator's root management key can manage workspaces");
}
