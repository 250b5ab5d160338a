import type { Reporter, TestCase, TestModule } from 'vitest/node';

/**
 * Under CI=true a skipped test is a failure: a lab that cannot run must never leave the suite green.
 * Outside CI, skips are listed with their reason so nobody mistakes them for passes.
 */
export default class CiSkipReporter implements Reporter {
  private skipped: string[] = [];

  onTestCaseResult(testCase: TestCase): void {
    if (testCase.result().state === 'skipped') {
      const note = testCase.options.mode === 'skip' ? 'skipped' : testCase.options.mode;
      const file = testCase.module.moduleId.replace(`${process.cwd()}/`, '');
      this.skipped.push(`${file} > ${testCase.fullName} (${note})`);
    }
  }

  onTestRunEnd(_modules: readonly TestModule[]): void {
    if (this.skipped.length === 0) return;
    const ci = process.env.CI === 'true' || process.env.CI === '1';
    const head = ci
      ? `CI=true and ${this.skipped.length} test(s) were skipped — failing the run:`
      : `${this.skipped.length} test(s) skipped (under CI=true this fails the run):`;
    console.error(`\n${head}\n${this.skipped.map((s) => `  - ${s}`).join('\n')}\n`);
    if (ci) process.exitCode = 1;
  }
}
