export { parseEnv, type Env } from './env.js';
export { startServer, VERSION, type RunningServer } from './server.js';
export { openSqlite, migrate, type Database } from './db/database.js';
export { decide, budgetView, budgetOverrun, type Rules, type UsageSnapshot, type Ask, type Decision, type WindowUsage } from './policy/decide.js';
export { windowAt } from './policy/periods.js';
export { verifyLedger, hashTransaction } from './ledger/ledger.js';
export { buildApp } from './http/app.js';
export { routeModules } from './http/routes/index.js';
