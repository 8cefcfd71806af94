// Packing the CLI carries the built dashboard (apps/dashboard/dist) as dist/dashboard/, where the
// server looks for it once installed (packages/server/src/http/dashboard.ts). `prepack` copies it
// in and `postpack` takes it out again, so a checkout always serves its own fresh build.
import { cpSync, existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = fileURLToPath(new URL('../../../apps/dashboard/dist/', import.meta.url));
const bundled = fileURLToPath(new URL('../dist/dashboard/', import.meta.url));

rmSync(bundled, { recursive: true, force: true });
if (process.argv[2] === 'remove') process.exit(0);
if (!existsSync(new URL('../dist/bin.js', import.meta.url)) || !existsSync(`${built}index.html`)) {
  process.stderr.write('@bursar/cli: nothing built to pack; run `npm run build` at the repository root first\n');
  process.exit(1);
}
// Source maps stay behind: 1.4 MB that only a dashboard developer reads, and they have the checkout.
cpSync(built, bundled, { recursive: true, filter: (src) => !src.endsWith('.map') });
