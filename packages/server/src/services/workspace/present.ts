import type { Workspace } from '@bursar/core';
import type { WorkspaceRow } from '../../store/rows.js';
import { iso } from '../iso.js';

export function presentWorkspace(w: WorkspaceRow): Workspace {
  return { id: w.id, object: 'workspace', name: w.name, livemode: w.livemode === 1, created_at: iso(w.created_at) };
}
