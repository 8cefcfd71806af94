import { spawn } from 'node:child_process';

/** What every demo flow is told by the menu. */
export interface FlowOptions {
  /** Open approval links with the OS helper (false: print them only). */
  browser: boolean;
}

/** Opens a URL with the OS helper; without one, the printed URL is enough. */
function openInBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // no browser helper: the URL is printed anyway
  }
}

/** Rewrites the approval link onto BURSAR_DASHBOARD_URL when set, so the tab hits the same environment. */
function dashboardLink(approvalUrl: string): string {
  const base = process.env.BURSAR_DASHBOARD_URL;
  if (!base) return approvalUrl;
  const u = new URL(approvalUrl);
  return `${base.replace(/\/+$/, '')}${u.pathname}${u.search}`;
}

/** Tells the human a decision waits on them (a spend request or a checkout intent), with the dashboard link and the CLI alternative. */
export function announceApproval(pending: { id: string; approval_id: string | null; approval_url?: string | undefined }, opts: FlowOptions): void {
  const link = pending.approval_url ? dashboardLink(pending.approval_url) : '';
  process.stdout.write(
    `\n  A human must decide. Approve or decline here:\n    ${link}\n  (or: BURSAR_API_KEY=bmk_… bursar approvals approve ${pending.approval_id ?? pending.id})\n  Waiting for the decision…\n`,
  );
  if (opts.browser && link) openInBrowser(link);
}

/** The line every flow prints when Bursar refused: the money never moved. */
export function notPaid(err: unknown, id: string | undefined): void {
  process.stdout.write(`◆ Not paid: ${err instanceof Error ? err.message : String(err)}${id ? ` [${id}]` : ''}\n  Bursar never pays what the policy did not approve.\n\n`);
}
