import type { Agent } from '@bursar/sdk';

/** Agents in tree order: each parent followed by its children, with their depth. */
export function treeOrder(agents: readonly Agent[]): Array<{ agent: Agent; depth: number }> {
  const ids = new Set(agents.map((a) => a.id));
  const children = new Map<string | null, Agent[]>();
  for (const a of agents) {
    // A parent outside the loaded list (or none) makes the agent a root.
    const parent = a.parent_agent_id && ids.has(a.parent_agent_id) ? a.parent_agent_id : null;
    children.set(parent, [...(children.get(parent) ?? []), a]);
  }
  const out: Array<{ agent: Agent; depth: number }> = [];
  const seen = new Set<string>();
  const walk = (parent: string | null, depth: number) => {
    for (const a of [...(children.get(parent) ?? [])].sort((x, y) => x.name.localeCompare(y.name))) {
      if (seen.has(a.id)) continue;
      seen.add(a.id);
      out.push({ agent: a, depth });
      walk(a.id, depth + 1);
    }
  };
  walk(null, 0);
  // Agents only reachable through a cycle of parents (which the API should never make) are still shown.
  for (const a of agents) {
    if (seen.has(a.id)) continue;
    seen.add(a.id);
    out.push({ agent: a, depth: 0 });
    walk(a.id, 1);
  }
  return out;
}
