/** Stands in for node:crypto in the browser bundle (see vite.config.ts); never called there. */
function unavailable(): never {
  throw new Error('node:crypto is not available in the dashboard');
}
export const randomBytes = unavailable;
export const randomFillSync = unavailable;
export const createHmac = unavailable;
export const timingSafeEqual = unavailable;
export const createHash = unavailable;
export default { randomBytes, randomFillSync, createHmac, timingSafeEqual, createHash };
