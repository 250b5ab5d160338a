import { join } from 'node:path';

/** Base images are cached outside the repo and survive between runs; per-server state is throwaway. */
export const LAB_CACHE = process.env.VPS_RESCUE_LAB_CACHE ?? '/var/cache/vps-rescue-lab';
export const LAB_STATE = process.env.VPS_RESCUE_LAB_STATE ?? '/run/vps-rescue-lab';

export const imagesDir = () => join(LAB_CACHE, 'images');
export const serversDir = () => join(LAB_STATE, 'servers');
export const addressesDir = () => join(LAB_STATE, 'addresses');
