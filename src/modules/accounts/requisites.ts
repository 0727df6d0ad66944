// The check digits of Russian requisites live in src/lib/requisites.ts (shops' invoice requisites use
// them too, and catalog sits below accounts); accounts keeps its import path.
export * from '../../lib/requisites.ts';
