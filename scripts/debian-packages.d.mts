export const PACKAGES_FILE: URL;
export interface DebianPackage {
  name: string;
  provides: string[];
}
export function readDebianPackages(text?: string): DebianPackage[];
export function isPresent(probe: string): boolean;
export function missingPackages(packages?: DebianPackage[], present?: (probe: string) => boolean): string[];
