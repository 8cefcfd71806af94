import { iso, isoOrNull } from '../iso.js';
import type { Agent, ApiKey } from '@bursar/core';
import type { AgentRow, ApiKeyRow } from '../../store/rows.js';

export function presentAgent(a: AgentRow): Agent {
  return {
    id: a.id,
    object: 'agent',
    name: a.name,
    policy_id: a.policy_id,
    parent_agent_id: a.parent_agent_id,
    status: a.status,
    livemode: a.livemode === 1,
    created_at: iso(a.created_at),
    updated_at: iso(a.updated_at),
    revoked_at: isoOrNull(a.revoked_at),
  };
}

export function presentKey(k: ApiKeyRow): ApiKey {
  return {
    id: k.id,
    object: 'api_key',
    type: k.type as ApiKey['type'],
    name: k.name,
    prefix: k.prefix,
    agent_id: k.agent_id,
    livemode: k.livemode === 1,
    created_at: iso(k.created_at),
    last_used_at: isoOrNull(k.last_used_at),
    revoked_at: isoOrNull(k.revoked_at),
  };
}
