import { sandboxWalletsInLiveWorkspaces, testKeysInLiveWorkspaces } from '../../../store/readiness.js';
import { fail, failIfLive, pass, some, type CheckDefinition } from './check.js';

const isHttps = (url: string | null) => url !== null && url.startsWith('https://');

/** What must hold before real money moves: TLS, no test credentials among live ones, rate limits, a Secure session cookie. */
export const liveModeChecks: CheckDefinition[] = [
  {
    id: 'live.public_url',
    title: 'BURSAR_PUBLIC_URL is https',
    async run({ settings, live }) {
      if (isHttps(settings.publicUrl)) return pass(`public URL ${settings.publicUrl}`);
      return failIfLive(
        live,
        settings.publicUrl === null ? 'BURSAR_PUBLIC_URL is not set' : `public URL ${settings.publicUrl} is not https`,
        'Serve Bursar behind TLS and set BURSAR_PUBLIC_URL=https://… : approval links, token issuers and the dashboard cookie are made from it.',
      );
    },
  },
  {
    id: 'live.test_credentials',
    title: 'No test keys or sandbox wallets in live workspaces',
    async run({ db, scope, live }) {
      if (!live) return pass('no live workspace');
      const keys = await testKeysInLiveWorkspaces(db, scope);
      const wallets = await sandboxWalletsInLiveWorkspaces(db, scope);
      if (keys.length === 0 && wallets.length === 0) return pass('live workspaces hold only live keys and live wallets');
      const found = [
        ...keys.map((k) => `test key ${k.id} (${k.prefix}…) in ${k.workspace_id}`),
        ...wallets.map((w) => `sandbox wallet ${w.id} in ${w.workspace_id}`),
      ];
      return fail(some(found), 'Revoke the test keys (`bursar keys revoke <id>`) and move live money off sandbox wallets; issue live keys from the live workspace.');
    },
  },
  {
    id: 'live.rate_limits',
    title: 'Rate limits on',
    async run({ settings, live }) {
      if (settings.rateLimit.enabled) return pass(settings.rateLimit.detail);
      return failIfLive(live, settings.rateLimit.detail, 'Set BURSAR_RATE_LIMIT_RPS and BURSAR_RATE_LIMIT_BURST above 0 (defaults 50 and 100): a leaked key must not drain a budget at wire speed.');
    },
  },
  {
    id: 'live.session_cookie',
    title: 'Dashboard session cookie Secure',
    async run({ settings, live }) {
      if (isHttps(settings.publicUrl)) return pass('the public URL is https, so the session cookie carries Secure (with HttpOnly and SameSite=Strict)');
      return failIfLive(live, 'the session cookie is Secure only on requests that arrive over https: the public URL is not https', 'Set BURSAR_PUBLIC_URL to the https URL people open the dashboard at.');
    },
  },
];
