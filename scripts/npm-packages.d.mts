export function stalePackages(lockText: string, installedText: string): string[];
export function npmState(root: string): 'ok' | 'missing' | 'stale' | 'linked-stale';
