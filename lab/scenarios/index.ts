export { SCENARIOS, scenarioById } from './catalog.js';
export * from './builder.js';
export type { Scenario, ScenarioContext, ScenarioExpectation } from './types.js';
