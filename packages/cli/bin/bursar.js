#!/usr/bin/env node
// A committed entry point, so npm can link `bursar` before the TypeScript build has run.
import('../dist/bin.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/bin.js')) {
    process.stderr.write('bursar: not built yet; run `npm install` (or `npm run build`) in the repository first\n');
    process.exit(1);
  }
  throw err;
});
